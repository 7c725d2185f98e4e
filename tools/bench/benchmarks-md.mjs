// Writes one benchmark's section of BENCHMARKS.md, keeping the others.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const FILE = resolve(dirname(fileURLToPath(import.meta.url)), '../../BENCHMARKS.md');
const HEADER = `# Benchmarks

Every table below is written by a script in \`tools/bench/\`; the command under each
reproduces it (\`npm run bench\` runs them all). Machine, kernel and date are those of
the run that wrote the table.
`;

export function updateSection(id, { title, command, machine, body }) {
  let text = existsSync(FILE) ? readFileSync(FILE, 'utf8') : HEADER;
  const start = `<!-- bench:${id} -->`;
  const end = `<!-- /bench:${id} -->`;
  const section = [
    start,
    `## ${title}`,
    '',
    `Command: \`${command}\`  `,
    `Machine: ${machine}  `,
    `Date: ${new Date().toISOString().slice(0, 10)}`,
    '',
    body.trim(),
    end,
  ].join('\n');
  const re = new RegExp(`${start}[\\s\\S]*?${end}`);
  text = re.test(text) ? text.replace(re, section) : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(FILE, text);
}
