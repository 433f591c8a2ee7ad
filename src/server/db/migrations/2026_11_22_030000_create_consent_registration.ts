import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Telemedicine apps whose return addresses this institution honours, one URL prefix per line.
  await db.schema.alterTable('institution').addColumn('allowed_return_urls', 'text', (c) => c.notNull().defaultTo('')).execute();

  // A card request in progress: the patient's choices, waiting for the card handoff.
  await db.schema
    .createTable('registration')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('institution_id', 'text', (c) => c.notNull().references('institution.id'))
    // What the card step is for: register (R6), query (U1), update (U1), revokeAll (X3).
    .addColumn('purpose', 'text', (c) => c.notNull())
    // The visit type being registered or updated; null when querying or revoking everything.
    .addColumn('visit_type', 'text')
    .addColumn('arrival', 'text', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('prescription_form', 'text')
    .addColumn('consultation_date', 'text')
    .addColumn('return_url', 'text')
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('staff_id', 'text')
    .addColumn('access_token_hash', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('failure_code', 'text')
    .addColumn('person_ref', 'text')
    .addColumn('consent_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('completed_at', 'text')
    .execute();

  await db.schema
    .createTable('handoff_challenge')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('registration_id', 'text', (c) => c.notNull().references('registration.id'))
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema.createIndex('handoff_challenge_registration').on('handoff_challenge').column('registration_id').execute();

  await db.schema
    .createTable('consent')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('institution_id', 'text', (c) => c.notNull().references('institution.id'))
    // The eligibility registry's opaque id for the person: never a My Number (P1).
    .addColumn('person_ref', 'text', (c) => c.notNull())
    .addColumn('visit_type', 'text', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('prescription_form', 'text')
    .addColumn('consultation_date', 'text')
    .addColumn('registered_at', 'text', (c) => c.notNull())
    // null while a home-visit consent lasts until revoked (V1).
    .addColumn('valid_until', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('revoked_by', 'text')
    .addColumn('revoke_reason', 'text')
    .addColumn('device_id', 'text')
    .addColumn('staff_id', 'text')
    .addColumn('registration_id', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('consent_institution_person').on('consent').columns(['institution_id', 'person_ref']).execute();

  // The eligibility record as shown at completion, kept for the clinic's retrieval (R7, R8).
  await db.schema
    .createTable('eligibility_check')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('institution_id', 'text', (c) => c.notNull().references('institution.id'))
    .addColumn('person_ref', 'text', (c) => c.notNull())
    .addColumn('consent_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('record_json', 'text', (c) => c.notNull())
    .addColumn('checked_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('eligibility_check_person').on('eligibility_check').columns(['institution_id', 'person_ref', 'checked_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('eligibility_check').execute();
  await db.schema.dropTable('consent').execute();
  await db.schema.dropTable('handoff_challenge').execute();
  await db.schema.dropTable('registration').execute();
  await db.schema.alterTable('institution').dropColumn('allowed_return_urls').execute();
}
