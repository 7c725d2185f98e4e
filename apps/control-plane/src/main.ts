import { handleCommandLine } from './command-line';
import { AppConfig, loadConfig } from './config/configuration';
import { checkDatabaseFile } from './database/startup-check';

/** Configuration and database checks, before Nest loads: a bad start says why in one line, at once. */
function preflight(): AppConfig & { mode: 'serve' | 'expire-once' } {
  const mode = handleCommandLine(process.argv.slice(2));
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    process.stderr.write(`control-plane: ${(e as Error).message}\n`);
    process.exit(2);
  }
  try {
    // PostgreSQL (SC_DB_URL) is checked when it connects; a SQLite file before Nest loads.
    if (!config.dbUrl) checkDatabaseFile(config.dbPath);
  } catch (e) {
    process.stderr.write(`control-plane: cannot start: ${(e as Error).message}\n`);
    process.exit(1);
  }
  return { ...config, mode };
}

async function bootstrap(): Promise<void> {
  const config = preflight();
  if (config.mode === 'expire-once') {
    const { expireOnce } = await import('./retention/expire-once');
    process.stdout.write(`${JSON.stringify(await expireOnce(config))}\n`);
    return;
  }
  const { serve } = await import('./serve');
  await serve(config);
}

bootstrap().catch((e) => {
  process.stderr.write(`control-plane: cannot start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
