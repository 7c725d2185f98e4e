import { Command } from 'commander';

interface GlobalOpts {
  color?: boolean;
}

/** Colour only for a person: a terminal, no --no-color, no NO_COLOR in the environment. */
export function useColor(cmd: Command): boolean {
  return (
    (cmd.optsWithGlobals() as GlobalOpts).color !== false && process.stdout.isTTY === true && !process.env.NO_COLOR
  );
}
