import type { Kysely } from 'kysely';
import { profileFields } from '../../person/person-profile.ts';

export async function up(db: Kysely<any>): Promise<void> {
  // What the clinic knows about a person it has a consent for: search keys taken from the latest
  // eligibility record (name kana, insurer number), the clinic's own reference number (R9, keyed
  // by person_ref so it survives an insurer change) and its own record for the E3 cross-check.
  await db.schema
    .createTable('person_profile')
    .addColumn('institution_id', 'text', (c) => c.notNull().references('institution.id'))
    .addColumn('person_ref', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_kana', 'text', (c) => c.notNull())
    // normaliseKana(name_kana): NFKC, katakana, small kana made large, no separators.
    .addColumn('kana_key', 'text', (c) => c.notNull())
    .addColumn('date_of_birth', 'text')
    .addColumn('insurer_number', 'text', (c) => c.notNull())
    .addColumn('reference_number', 'text')
    .addColumn('clinic_record_json', 'text')
    .addColumn('identity_status', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('person_profile_pk', ['institution_id', 'person_ref'])
    .execute();
  // Range scans for kana prefixes and exact lookups; a reference number names one person here.
  await db.schema.createIndex('person_profile_kana').on('person_profile').columns(['institution_id', 'kana_key']).execute();
  await db.schema.createIndex('person_profile_insurer').on('person_profile').columns(['institution_id', 'insurer_number']).execute();
  await db.schema.createIndex('person_profile_reference').on('person_profile').columns(['institution_id', 'reference_number']).unique().execute();

  // The dashboard pages consents newest first and filters by state and visit type at any scale.
  await db.schema.createIndex('consent_institution_registered').on('consent').columns(['institution_id', 'registered_at', 'id']).execute();
  await db.schema.createIndex('consent_institution_status_until').on('consent').columns(['institution_id', 'status', 'valid_until']).execute();
  await db.schema
    .createIndex('consent_institution_type_status')
    .on('consent')
    .columns(['institution_id', 'visit_type', 'status', 'registered_at'])
    .execute();

  // Persons already known: the newest registration record of each fills the profile.
  const checks = (await db
    .selectFrom('eligibility_check')
    .select(['institution_id', 'person_ref', 'record_json', 'checked_at'])
    .orderBy('checked_at', 'asc')
    .execute()) as Array<{ institution_id: string; person_ref: string; record_json: string; checked_at: string }>;
  const latest = new Map<string, (typeof checks)[number]>();
  for (const row of checks) latest.set(`${row.institution_id}\u0000${row.person_ref}`, row);
  for (const row of latest.values()) {
    await db
      .insertInto('person_profile')
      .values({ institution_id: row.institution_id, person_ref: row.person_ref, ...profileFields(JSON.parse(row.record_json)), reference_number: null, clinic_record_json: null, identity_status: null, updated_at: row.checked_at })
      .execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('consent_institution_type_status').execute();
  await db.schema.dropIndex('consent_institution_status_until').execute();
  await db.schema.dropIndex('consent_institution_registered').execute();
  await db.schema.dropTable('person_profile').execute();
}
