import { config } from '../config.ts';
import { openDatabase, type Database } from './connection.ts';

/** Opens the configured database (PostgreSQL or embedded PGlite) and applies migrations. */
export async function openConfiguredDatabase(): Promise<Database> {
  const { DATABASE_URL, DATA_DIR } = config();
  const database = await openDatabase({ url: DATABASE_URL, dataDir: DATA_DIR });
  await database.migrate();
  return database;
}
