/* mar-store-schema.h — the cache's schema, one migration per version
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Private to mar-store.c. Migration N takes user_version N to N + 1 and
 * runs in its own transaction. Never edit a migration that has shipped:
 * add the next one.
 *
 * Conventions
 * - Every table read from FHIR has: id (the resource's logical id),
 *   version_id (meta.versionId), last_updated (meta.lastUpdated, Unix s),
 *   removed (deleted on the server or entered in error), stored_at (when
 *   this terminal wrote the row). The resource as received is in
 *   resource_json: a MedicationRequest is 2–6 kB of JSON, and kept in the
 *   row it would spill into overflow pages that every scan-path read of the
 *   row's other columns would have to walk.
 * - Rows are never deleted (RULES.md, The record): the foreign keys have no
 *   ON DELETE actions except from child lists (codes, identifiers), which
 *   are rewritten with their parent. References between resources are
 *   DEFERRABLE INITIALLY DEFERRED so the order of an import's entries does
 *   not matter; references that FHIR-PROFILE.md lets dangle (an order a
 *   dispense names, the Location of an encounter) are plain columns.
 * - Times are Unix seconds (UTC); quantities are a REAL value plus the
 *   UCUM unit as given.
 * - Lists (codes, ingredients, times) keep their FHIR order in seq. Their
 *   tables are WITHOUT ROWID: the key (parent, seq) is the table, so the
 *   scan path reads a parent's list with one b-tree descent, no second
 *   look-up per row.
 */

#pragma once

static const char * const mar_store_migrations[] = {
  /* 0 → 1: the first cache. */
  "CREATE TABLE settings ("
  "  key         TEXT PRIMARY KEY NOT NULL,"
  "  value       TEXT NOT NULL,"
  "  updated_at  INTEGER NOT NULL"
  ") STRICT;"

  "CREATE TABLE sync_clock ("
  "  id          INTEGER PRIMARY KEY CHECK (id = 1),"
  "  last_sync   INTEGER,"
  "  last_import INTEGER"
  ") STRICT;"
  "INSERT INTO sync_clock (id) VALUES (1);"

  "CREATE TABLE sync_watermarks ("
  "  resource_type TEXT PRIMARY KEY NOT NULL,"
  "  watermark     TEXT NOT NULL,"
  "  updated_at    INTEGER NOT NULL"
  ") STRICT;"

  "CREATE TABLE quarantine ("
  "  id            INTEGER PRIMARY KEY,"
  "  resource_type TEXT NOT NULL,"
  "  resource_id   TEXT,"
  "  version_id    TEXT,"
  "  patient_id    TEXT,"
  "  reason        TEXT NOT NULL,"
  "  raw_json      TEXT,"
  "  received_at   INTEGER NOT NULL,"
  "  resolved_at   INTEGER"
  ") STRICT;"
  "CREATE INDEX quarantine_open_by_patient ON quarantine (patient_id) WHERE resolved_at IS NULL;"
  "CREATE INDEX quarantine_open_by_resource ON quarantine (resource_type, resource_id) WHERE resolved_at IS NULL;"

  "CREATE TABLE resource_json ("
  "  resource_type TEXT NOT NULL,"
  "  id            TEXT NOT NULL,"
  "  json          TEXT NOT NULL,"
  "  PRIMARY KEY (resource_type, id)"
  ") STRICT;"

  "CREATE TABLE patients ("
  "  id              TEXT PRIMARY KEY NOT NULL,"
  "  version_id      TEXT,"
  "  last_updated    INTEGER,"
  "  removed         INTEGER NOT NULL DEFAULT 0,"
  "  stored_at       INTEGER NOT NULL,"
  "  mrn             TEXT,"
  "  gsrn            TEXT,"
  "  family          TEXT,"
  "  given           TEXT,"
  "  birth_date      TEXT,"
  "  gender          TEXT,"
  "  active          INTEGER NOT NULL DEFAULT 1,"
  "  data_incomplete INTEGER NOT NULL DEFAULT 0"
  ") STRICT;"

  /* Every identifier, so a wristband finds its patient by MRN, GSRN or any
   * other identifier with one index. kind: 'mrn', 'gsrn' or NULL. */
  "CREATE TABLE patient_identifiers ("
  "  patient_id  TEXT NOT NULL REFERENCES patients (id) ON DELETE CASCADE,"
  "  seq         INTEGER NOT NULL,"
  "  kind        TEXT,"
  "  type_code   TEXT,"
  "  system      TEXT,"
  "  value       TEXT NOT NULL,"
  "  PRIMARY KEY (patient_id, seq)"
  ") STRICT, WITHOUT ROWID;"
  "CREATE INDEX patient_identifiers_by_value ON patient_identifiers (value, kind);"

  "CREATE TABLE locations ("
  "  id            TEXT PRIMARY KEY NOT NULL,"
  "  version_id    TEXT,"
  "  last_updated  INTEGER,"
  "  removed       INTEGER NOT NULL DEFAULT 0,"
  "  stored_at     INTEGER NOT NULL,"
  "  name          TEXT,"
  "  part_of       TEXT,"
  "  physical_type TEXT,"
  "  status        TEXT"
  ") STRICT;"

  "CREATE TABLE encounters ("
  "  id            TEXT PRIMARY KEY NOT NULL,"
  "  version_id    TEXT,"
  "  last_updated  INTEGER,"
  "  removed       INTEGER NOT NULL DEFAULT 0,"
  "  stored_at     INTEGER NOT NULL,"
  "  patient_id    TEXT NOT NULL REFERENCES patients (id) DEFERRABLE INITIALLY DEFERRED,"
  "  status        TEXT NOT NULL,"
  "  period_start  INTEGER,"
  "  period_end    INTEGER,"
  "  location_id   TEXT"
  ") STRICT;"
  "CREATE INDEX encounters_by_patient ON encounters (patient_id, status, period_start);"

  "CREATE TABLE weights ("
  "  id            TEXT PRIMARY KEY NOT NULL,"
  "  version_id    TEXT,"
  "  last_updated  INTEGER,"
  "  removed       INTEGER NOT NULL DEFAULT 0,"
  "  stored_at     INTEGER NOT NULL,"
  "  patient_id    TEXT NOT NULL REFERENCES patients (id) DEFERRABLE INITIALLY DEFERRED,"
  "  status        TEXT NOT NULL,"
  "  value_kg      REAL,"
  "  effective     INTEGER NOT NULL"
  ") STRICT;"
  "CREATE INDEX weights_by_patient ON weights (patient_id, effective);"

  /* Catalog Medications (catalog = 1) and contained ones (catalog = 0,
   * id "<owner type>/<owner id>#<contained id>", owner_* set). */
  "CREATE TABLE products ("
  "  id               TEXT PRIMARY KEY NOT NULL,"
  "  version_id       TEXT,"
  "  last_updated     INTEGER,"
  "  removed          INTEGER NOT NULL DEFAULT 0,"
  "  stored_at        INTEGER NOT NULL,"
  "  catalog          INTEGER NOT NULL,"
  "  owner_type       TEXT,"
  "  owner_id         TEXT,"
  "  gtin             TEXT,"
  "  ndc              TEXT,"
  "  ndc10            TEXT,"
  "  name             TEXT,"
  "  form_system      TEXT,"
  "  form_code        TEXT,"
  "  form_display     TEXT,"
  "  amount_value     REAL,"
  "  amount_unit      TEXT,"
  "  amount_per_value REAL,"
  "  amount_per_unit  TEXT"
  ") STRICT;"

  /* Every coding of Medication.code; gtin14 and ndc10 are the normalised
   * look-up keys of GTIN and NDC codings. */
  "CREATE TABLE product_codes ("
  "  product_id  TEXT NOT NULL REFERENCES products (id) ON DELETE CASCADE,"
  "  seq         INTEGER NOT NULL,"
  "  system      TEXT,"
  "  code        TEXT,"
  "  display     TEXT,"
  "  gtin14      TEXT,"
  "  ndc10       TEXT,"
  "  PRIMARY KEY (product_id, seq)"
  ") STRICT, WITHOUT ROWID;"
  "CREATE INDEX product_codes_by_gtin ON product_codes (gtin14) WHERE gtin14 IS NOT NULL;"
  "CREATE INDEX product_codes_by_ndc ON product_codes (ndc10) WHERE ndc10 IS NOT NULL;"

  "CREATE TABLE product_ingredients ("
  "  product_id          TEXT NOT NULL REFERENCES products (id) ON DELETE CASCADE,"
  "  seq                 INTEGER NOT NULL,"
  "  system              TEXT,"
  "  code                TEXT,"
  "  display             TEXT,"
  "  strength_value      REAL,"
  "  strength_unit       TEXT,"
  "  strength_per_value  REAL,"
  "  strength_per_unit   TEXT,"
  "  PRIMARY KEY (product_id, seq)"
  ") STRICT, WITHOUT ROWID;"

  /* MedicationRequest with dosageInstruction[0] flattened (MarOrder). */
  "CREATE TABLE orders ("
  "  id                  TEXT PRIMARY KEY NOT NULL,"
  "  version_id          TEXT,"
  "  last_updated        INTEGER,"
  "  removed             INTEGER NOT NULL DEFAULT 0,"
  "  stored_at           INTEGER NOT NULL,"
  "  status              TEXT NOT NULL,"
  "  intent              TEXT,"
  "  priority            TEXT,"
  "  patient_id          TEXT NOT NULL REFERENCES patients (id) DEFERRABLE INITIALLY DEFERRED,"
  "  encounter_id        TEXT,"
  "  authored_on         INTEGER,"
  "  dosage_text         TEXT,"
  "  medication_display  TEXT,"
  "  product_id          TEXT REFERENCES products (id) DEFERRABLE INITIALLY DEFERRED,"
  "  route_system        TEXT,"
  "  route_code          TEXT,"
  "  route_display       TEXT,"
  "  frequency           INTEGER NOT NULL DEFAULT 0,"
  "  period              REAL NOT NULL DEFAULT 0,"
  "  period_unit         TEXT,"
  "  duration            REAL NOT NULL DEFAULT 0,"
  "  duration_unit       TEXT,"
  "  count               INTEGER NOT NULL DEFAULT 0,"
  "  bounds_start        INTEGER,"
  "  bounds_end          INTEGER,"
  "  as_needed           INTEGER NOT NULL DEFAULT 0,"
  "  max_dose_value      REAL,"
  "  max_dose_unit       TEXT,"
  "  max_dose_per_value  REAL,"
  "  max_dose_per_unit   TEXT,"
  "  dose_value          REAL,"
  "  dose_unit           TEXT,"
  "  dose_high_value     REAL,"
  "  dose_high_unit      TEXT,"
  "  rate_value          REAL,"
  "  rate_unit           TEXT,"
  "  rate_high_value     REAL,"
  "  rate_high_unit      TEXT"
  ") STRICT;"
  "CREATE INDEX orders_by_patient ON orders (patient_id, removed, id, product_id);"
  "CREATE INDEX orders_by_product ON orders (product_id) WHERE product_id IS NOT NULL;"

  /* medicationCodeableConcept codings of a coded order. */
  "CREATE TABLE order_codes ("
  "  order_id    TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,"
  "  seq         INTEGER NOT NULL,"
  "  system      TEXT,"
  "  code        TEXT,"
  "  display     TEXT,"
  "  PRIMARY KEY (order_id, seq)"
  ") STRICT, WITHOUT ROWID;"

  /* timing.event (kind 'event': Unix s) and repeat.timeOfDay (kind
   * 'time_of_day': seconds after local midnight); seq counts within a kind. */
  "CREATE TABLE order_times ("
  "  order_id    TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,"
  "  kind        TEXT NOT NULL CHECK (kind IN ('event', 'time_of_day')),"
  "  seq         INTEGER NOT NULL,"
  "  value       INTEGER NOT NULL,"
  "  PRIMARY KEY (order_id, kind, seq)"
  ") STRICT, WITHOUT ROWID;"

  /* Pharmacy bag labels (MedicationDispense). order_id may name an order
   * that is not cached (FHIR-PROFILE.md lets it dangle: no order, no pass). */
  "CREATE TABLE dispenses ("
  "  id              TEXT PRIMARY KEY NOT NULL,"
  "  version_id      TEXT,"
  "  last_updated    INTEGER,"
  "  removed         INTEGER NOT NULL DEFAULT 0,"
  "  stored_at       INTEGER NOT NULL,"
  "  label           TEXT,"
  "  status          TEXT NOT NULL,"
  "  patient_id      TEXT NOT NULL REFERENCES patients (id) DEFERRABLE INITIALLY DEFERRED,"
  "  order_id        TEXT,"
  "  product_id      TEXT REFERENCES products (id) DEFERRABLE INITIALLY DEFERRED,"
  "  beyond_use      TEXT,"
  "  lot             TEXT,"
  "  when_prepared   INTEGER,"
  "  quantity_value  REAL,"
  "  quantity_unit   TEXT"
  ") STRICT;"
  "CREATE INDEX dispenses_by_label ON dispenses (label) WHERE label IS NOT NULL;"
  "CREATE INDEX dispenses_by_patient ON dispenses (patient_id);"

  "CREATE TABLE allergies ("
  "  id                  TEXT PRIMARY KEY NOT NULL,"
  "  version_id          TEXT,"
  "  last_updated        INTEGER,"
  "  removed             INTEGER NOT NULL DEFAULT 0,"
  "  stored_at           INTEGER NOT NULL,"
  "  patient_id          TEXT NOT NULL REFERENCES patients (id) DEFERRABLE INITIALLY DEFERRED,"
  "  clinical_status     TEXT,"
  "  verification_status TEXT,"
  "  text                TEXT,"
  "  criticality         TEXT,"
  "  category            TEXT,"
  "  reactions           TEXT"
  ") STRICT;"
  "CREATE INDEX allergies_by_patient ON allergies (patient_id, removed);"

  "CREATE TABLE allergy_codings ("
  "  allergy_id  TEXT NOT NULL REFERENCES allergies (id) ON DELETE CASCADE,"
  "  seq         INTEGER NOT NULL,"
  "  system      TEXT,"
  "  code        TEXT,"
  "  display     TEXT,"
  "  PRIMARY KEY (allergy_id, seq)"
  ") STRICT, WITHOUT ROWID;"

  /* Practitioners. pin_hash, failed_pin_count and locked_until belong to
   * this terminal (issue 4: PINs are per terminal, set by IT) and are never
   * written by an upsert from FHIR. */
  "CREATE TABLE staff ("
  "  id                TEXT PRIMARY KEY NOT NULL,"
  "  version_id        TEXT,"
  "  last_updated      INTEGER,"
  "  removed           INTEGER NOT NULL DEFAULT 0,"
  "  stored_at         INTEGER NOT NULL,"
  "  badge             TEXT,"
  "  name              TEXT,"
  "  active            INTEGER NOT NULL DEFAULT 1,"
  "  pin_hash          TEXT,"
  "  failed_pin_count  INTEGER NOT NULL DEFAULT 0,"
  "  locked_until      INTEGER"
  ") STRICT;"
  "CREATE INDEX staff_by_badge ON staff (badge) WHERE badge IS NOT NULL;"

  "CREATE TABLE staff_roles ("
  "  id            TEXT PRIMARY KEY NOT NULL,"
  "  version_id    TEXT,"
  "  last_updated  INTEGER,"
  "  removed       INTEGER NOT NULL DEFAULT 0,"
  "  stored_at     INTEGER NOT NULL,"
  "  staff_id      TEXT NOT NULL REFERENCES staff (id) DEFERRABLE INITIALLY DEFERRED,"
  "  location_id   TEXT,"
  "  active        INTEGER NOT NULL DEFAULT 1"
  ") STRICT;"
  "CREATE INDEX staff_roles_by_staff ON staff_roles (staff_id);"

  "CREATE TABLE staff_role_codes ("
  "  role_id     TEXT NOT NULL REFERENCES staff_roles (id) ON DELETE CASCADE,"
  "  seq         INTEGER NOT NULL,"
  "  system      TEXT,"
  "  code        TEXT,"
  "  display     TEXT,"
  "  PRIMARY KEY (role_id, seq)"
  ") STRICT, WITHOUT ROWID;"

  /* MedicationAdministrations charted by any terminal or system, with
   * their source. order_id and product_id may name rows that are not
   * cached (an old order, another site's product). */
  "CREATE TABLE administrations ("
  "  id              TEXT PRIMARY KEY NOT NULL,"
  "  version_id      TEXT,"
  "  last_updated    INTEGER,"
  "  removed         INTEGER NOT NULL DEFAULT 0,"
  "  stored_at       INTEGER NOT NULL,"
  "  source          TEXT,"
  "  patient_id      TEXT NOT NULL REFERENCES patients (id) DEFERRABLE INITIALLY DEFERRED,"
  "  order_id        TEXT,"
  "  order_version   TEXT,"
  "  status          TEXT NOT NULL,"
  "  start_time      INTEGER NOT NULL,"
  "  end_time        INTEGER,"
  "  due_time        INTEGER,"
  "  bag_id          TEXT,"
  "  product_id      TEXT,"
  "  gtin            TEXT,"
  "  dose_value      REAL,"
  "  dose_unit       TEXT,"
  "  rate_value      REAL,"
  "  rate_unit       TEXT,"
  "  partial         INTEGER NOT NULL DEFAULT 0,"
  "  performer_id    TEXT"
  ") STRICT;"
  "CREATE INDEX administrations_by_start ON administrations (patient_id, start_time);"
  "CREATE INDEX administrations_by_end ON administrations (patient_id, end_time);"
  "CREATE INDEX administrations_by_status ON administrations (patient_id, status);"
  "CREATE INDEX administrations_by_bag ON administrations (bag_id) WHERE bag_id IS NOT NULL;"
  "CREATE INDEX administrations_by_order ON administrations (order_id) WHERE order_id IS NOT NULL;",

  /* 1 → 2: the outbox (issue 4 fills it in the same transaction as each
   * recorded action; issue 6 pushes it). Rows are never deleted: a pushed
   * entry stays as the proof of what was sent, and when. */
  "CREATE TABLE outbox ("
  "  seq             INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  entry_uuid      TEXT NOT NULL UNIQUE,"
  "  resource_uuid   TEXT NOT NULL,"
  "  resource_type   TEXT NOT NULL,"
  "  operation       TEXT NOT NULL CHECK (operation IN ('create', 'update')),"
  "  depends_on      TEXT,"
  "  patient_id      TEXT,"
  "  resource_json   TEXT NOT NULL,"
  "  state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),"
  "  attempts        INTEGER NOT NULL DEFAULT 0,"
  "  next_attempt    INTEGER NOT NULL DEFAULT 0,"
  "  last_error      TEXT,"
  "  created_at      INTEGER NOT NULL,"
  "  sent_at         INTEGER"
  ") STRICT;"
  "CREATE INDEX outbox_pending ON outbox (state, seq) WHERE state <> 'sent';"
  "CREATE INDEX outbox_by_resource ON outbox (resource_uuid, seq);"
  "CREATE INDEX outbox_by_patient ON outbox (patient_id, state) WHERE patient_id IS NOT NULL;"
  /* What the server calls each resource we created, for the PUT of a
   * later update (If-Match on its version). */
  "CREATE TABLE pushed_resources ("
  "  resource_uuid   TEXT PRIMARY KEY NOT NULL,"
  "  resource_type   TEXT NOT NULL,"
  "  server_id       TEXT NOT NULL,"
  "  server_version  TEXT,"
  "  pushed_at       INTEGER NOT NULL"
  ") STRICT, WITHOUT ROWID;",
};
