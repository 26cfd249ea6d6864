import { openConfiguredDatabase } from '../db/open.ts';

export async function migrateCommand(): Promise<void> {
  const database = await openConfiguredDatabase();
  console.log(`migrations applied on ${database.kind} (${database.location})`);
  await database.close();
}
