import { textArrayLiteral } from './pg-array-literal';

describe('textArrayLiteral', () => {
  it('spells text arrays as node-postgres does: quoted, \\ and " escaped, null as NULL', () => {
    expect(textArrayLiteral([])).toBe('{}');
    expect(textArrayLiteral(['{"0":5,"4":7}', null, 'a\\b', '', 'x,y {z}', undefined])).toBe(
      '{"{\\"0\\":5,\\"4\\":7}",NULL,"a\\\\b","","x,y {z}",NULL}',
    );
  });

  it('leaves arrays of anything else to node-postgres', () => {
    expect(textArrayLiteral(['a', 1])).toBeNull();
    expect(textArrayLiteral([true])).toBeNull();
    expect(textArrayLiteral([['a']])).toBeNull();
  });

  it("matches node-postgres's own spelling", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { prepareValue } = require('pg/lib/utils') as { prepareValue: (v: unknown) => string };
    const values = ['{"1":2}', null, 'back\\slash "quote"', 'tab\there', 'é ü \u4e2d', ''];
    expect(textArrayLiteral(values)).toBe(prepareValue(values));
  });
});
