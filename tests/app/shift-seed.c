/* shift-seed.c — a busy shift on a second unit of the demo ward, for the shift log's UI tests
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "shift-seed.h"

#include "mar-audit.h"
#include "mar-time.h"

#define NURSES 6
#define NACL_GTIN "00614141100101"
#define MEROPENEM_GTIN "00614141205103"

typedef struct
{
  MarTerminal    *terminal;
  MarStore       *store;
  MarRecord      *record;
  MarSignature   *nurses[NURSES];
  const MarShift *shift;
  guint           serial;
  guint           doses;
} Seed;

static const char *families[] = {
  "Okafor", "Lindqvist", "Moreau", "Tanaka", "Brennan", "Castillo", "Haddad", "Novak", "Iyer", "Fitzgerald",
  "Mbeki", "Sorensen", "Delgado", "Kowalski", "Nakamura", "O'Connell", "Petrov", "Rahman", "Silva", "Weber",
};
static const char *givens[] = {
  "Ada", "Bruno", "Chloé", "Dmitri", "Esther", "Farid", "Greta", "Hugo", "Imani", "Jonas",
};

static void
check (gboolean      ok,
       const GError *error,
       const char   *what)
{
  if (!ok)
    g_error ("shift seed: %s: %s", what, error != NULL ? error->message : "failed");
}

static char *
family_of (guint bed)
{
  return g_strdup_printf ("%s%s", families[bed % G_N_ELEMENTS (families)],
                          bed >= G_N_ELEMENTS (families) ? "-Ruiz" : "");
}

static void
populate (Seed  *s,
          guint  beds)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarOrder) nacl = mar_store_get_order (s->store, "mr-4w-01-nacl", &error);
  g_autoptr(MarOrder) meropenem = NULL;
  g_autoptr(MarLocation) unit = mar_location_new ();
  MarResourceInfo info = { MAR_TIME_UNSET, NULL };
  gint64 day_before = s->shift->start - 24 * 3600;

  check (nacl != NULL, error, "demo NaCl order");
  meropenem = mar_store_get_order (s->store, "mr-4w-10-meropenem", &error);
  check (meropenem != NULL, error, "demo meropenem order");

  check (mar_store_begin (s->store, &error), error, "begin");
  unit->id = g_strdup (SHIFT_SEED_UNIT_ID);
  unit->name = g_strdup (SHIFT_SEED_UNIT_NAME);
  unit->physical_type = g_strdup ("wa");
  check (mar_store_upsert_location (s->store, unit, &info, NULL, &error), error, "unit");
  for (guint i = 0; i < beds; i++)
    {
      g_autoptr(MarLocation) bed = mar_location_new ();
      g_autoptr(MarPatient) patient = mar_patient_new ();
      g_autoptr(MarEncounter) encounter = mar_encounter_new ();

      bed->id = g_strdup_printf ("loc-4e-%02u", i + 1);
      bed->name = g_strdup_printf ("4E-%02u", i + 1);
      bed->part_of_id = g_strdup (SHIFT_SEED_UNIT_ID);
      bed->physical_type = g_strdup ("bd");
      check (mar_store_upsert_location (s->store, bed, &info, NULL, &error), error, "bed");

      patient->id = g_strdup_printf ("pt-4e-%02u", i + 1);
      patient->mrn = g_strdup_printf ("881%05u", i + 1);
      patient->family = family_of (i);
      patient->given = g_strdup (givens[i % G_N_ELEMENTS (givens)]);
      patient->birth_date = g_strdup ("1958-04-12");
      patient->gender = g_strdup ("unknown");
      patient->active = TRUE;
      g_ptr_array_add (patient->identifiers, mar_identifier_new ("urn:oid:2.16.840.1.113883.3.9999.1",
                                                                 patient->mrn, "MR"));
      check (mar_store_upsert_patient (s->store, patient, &info, NULL, &error), error, "patient");

      encounter->id = g_strdup_printf ("enc-4e-%02u", i + 1);
      encounter->patient_id = g_strdup (patient->id);
      encounter->status = g_strdup ("in-progress");
      encounter->start = day_before;
      encounter->end = MAR_TIME_UNSET;
      encounter->location_id = g_strdup (bed->id);
      check (mar_store_upsert_encounter (s->store, encounter, &info, NULL, &error), error, "encounter");

      g_free (nacl->id);
      nacl->id = g_strdup_printf ("mr-4e-%02u-nacl", i + 1);
      g_free (nacl->patient_id);
      nacl->patient_id = g_strdup (patient->id);
      g_free (nacl->encounter_id);
      nacl->encounter_id = g_strdup (encounter->id);
      nacl->bounds_start = day_before;
      nacl->authored_on = day_before;
      check (mar_store_upsert_order (s->store, nacl, &info, NULL, &error), error, "NaCl order");

      /* q8h for this shift only (an order per shift, so that seeding
       * several shifts never moves one's due times): due one and nine
       * hours into the shift. */
      g_free (meropenem->id);
      meropenem->id = g_strdup_printf ("mr-4e-%02u-meropenem-%" G_GINT64_FORMAT, i + 1, s->shift->start);
      g_free (meropenem->patient_id);
      meropenem->patient_id = g_strdup (patient->id);
      g_free (meropenem->encounter_id);
      meropenem->encounter_id = g_strdup (encounter->id);
      meropenem->bounds_start = s->shift->start + 3600;
      meropenem->bounds_end = s->shift->end;
      meropenem->authored_on = day_before;
      check (mar_store_upsert_order (s->store, meropenem, &info, NULL, &error), error, "meropenem order");
    }
  check (mar_store_commit (s->store, &error), error, "commit");
}

static MarRecordContext
context_at (Seed   *s,
            guint   bed,
            gint64  at)
{
  g_autoptr(GError) error = NULL;
  MarRecordContext context = { .at = at, .now = at, .nurse = s->nurses[bed % NURSES] };

  /* Documented as it happened, on a terminal that had just synced. */
  check (mar_store_set_last_sync (s->store, at - 60, &error), error, "last sync");
  return context;
}

static MarScanResult *
scan (Seed       *s,
      const char *text,
      gboolean    keyed,
      gint64      at)
{
  g_autoptr(GError) error = NULL;
  MarScanResult *result = mar_verifier_resolve_scan (mar_terminal_get_verifier (s->terminal), text, -1,
                                                     keyed ? MAR_SCAN_SOURCE_KEYED : MAR_SCAN_SOURCE_SCANNER,
                                                     at, &error);

  check (result != NULL, error, "scan");
  return result;
}

static gint64
start_bag (Seed              *s,
           guint              bed,
           gint64             at,
           const char        *gtin,
           double             rate,
           const MarOverride *override,
           gboolean           unable)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarRecordCheck) result = NULL;
  g_autofree char *mrn = g_strdup_printf ("881%05u", bed + 1);
  g_autofree char *family = family_of (bed);
  g_autofree char *name = g_strdup_printf ("%s, %s", family, givens[bed % G_N_ELEMENTS (givens)]);
  g_autofree char *product_text = g_strdup_printf ("(01)%s(17)301231(10)SEED(21)E%" G_GINT64_FORMAT "-%u", gtin,
                                                  s->shift->start % 1000000, ++s->serial);
  g_autoptr(MarScanResult) patient = scan (s, mrn, unable, at);
  g_autoptr(MarScanResult) product = scan (s, product_text, FALSE, at);
  MarRecordContext context = context_at (s, bed, at);
  MarUnableToScan unable_to_scan = {
    .patient_reason = "damaged-wristband", .confirmed_name = name, .confirmed_birth_date = "1958-04-12",
  };
  MarStartRequest request = {
    .patient_scan = patient, .product_scan = product, .rate_ml_per_h = rate,
    .unable_to_scan = unable ? &unable_to_scan : NULL,
  };
  g_autoptr(MarInfusion) bag = NULL;

  if (override != NULL)
    {
      context.overrides = override;
      context.n_overrides = 1;
    }
  bag = mar_record_start (s->record, &context, &request, &result, &error);
  check (bag != NULL, error, "start");
  return bag->id;
}

static void
document_bed (Seed  *s,
              guint  bed)
{
  g_autoptr(GError) error = NULL;
  gint64 start = s->shift->start, end = s->shift->end;
  gint64 off = (bed * 7) % 30 * 60;
  MarOverride mismatch = { "RATE_MISMATCH", "provider-order", NULL };
  MarOverride late = { "TIME_LATE", "patient-off-unit", NULL };
  gint64 nacl = start_bag (s, bed, start + 10 * 60 + off, NACL_GTIN, 75, NULL, FALSE);
  gint64 site_check;

  {
    MarRecordContext context = context_at (s, bed, start + 3 * 3600 + off);
    MarSiteCheckRequest request = { .site = "left forearm" };

    site_check = mar_record_add_site_check (s->record, &context, nacl, &request, &error);
    check (site_check > 0, error, "site check");
  }
  if (bed == 1)
    {
      /* Charted on the wrong bag and corrected: struck through, never hidden. */
      MarRecordContext context = context_at (s, bed, start + 3 * 3600 + off + 120);

      check (mar_record_correct (s->record, &context, site_check, "wrong-action", NULL, &error) > 0, error,
             "correct");
    }
  {
    MarRecordContext context = context_at (s, bed, start + 4 * 3600 + off);

    context.overrides = &mismatch;
    context.n_overrides = 1;
    check (mar_record_change_rate (s->record, &context, nacl, 100, "provider-order", NULL, NULL, &error),
           error, "rate");
  }
  {
    MarRecordContext pause = context_at (s, bed, start + 6 * 3600 + off);
    MarRecordContext resume = context_at (s, bed, start + 6 * 3600 + off + 15 * 60);

    check (mar_record_pause (s->record, &pause, nacl, "patient-care", NULL, &error), error, "pause");
    check (mar_record_resume (s->record, &resume, nacl, NULL, &error), error, "resume");
  }
  {
    MarRecordContext context = context_at (s, bed, end - 40 * 60 + off / 3);

    check (mar_record_complete (s->record, &context, nacl, NULL, NULL, &error), error, "complete NaCl");
  }

  for (int k = 0; k < 2; k++)
    {
      guint n = s->doses++;
      gint64 due = start + (1 + 8 * k) * 3600;
      gboolean is_late = n % 13 == 5;
      gint64 at = due + (is_late ? 90 * 60 : off % (20 * 60));
      gint64 bag;

      if (n % 23 == 7)
        continue;  /* missed */
      bag = start_bag (s, bed, at, MEROPENEM_GTIN, 100, is_late ? &late : NULL, n % 11 == 3);
      if (n % 37 == 11 || n == 2)
        {
          MarRecordContext context = context_at (s, bed, at + 10 * 60);
          const char *actions[] = { "slowed", NULL };
          MarReactionRequest request = { .kind = "rash", .severity = "mild", .actions = actions };

          check (mar_record_add_reaction (s->record, &context, bag, &request, &error) > 0, error, "reaction");
        }
      {
        MarRecordContext context = context_at (s, bed, at + 30 * 60);

        check (mar_record_complete (s->record, &context, bag, NULL, NULL, &error), error, "complete dose");
      }
    }

  {
    g_autoptr(MarAdministration) a = mar_administration_new ();
    MarResourceInfo info = { start + 5 * 3600 + off + 60, NULL };

    a->id = g_strdup_printf ("ma-4e-%02u-%" G_GINT64_FORMAT, bed + 1, start);
    a->version = g_strdup ("1");
    a->source = g_strdup ("urn:bedside-mar:terminal:4E-CART");
    a->patient_id = g_strdup_printf ("pt-4e-%02u", bed + 1);
    a->status = g_strdup ("completed");
    a->start = start + 4 * 3600 + 30 * 60 + off / 2;
    a->end = start + 5 * 3600 + off;
    a->due_time = MAR_TIME_UNSET;
    a->performer_id = g_strdup ("prac-n1003");
    mar_quantity_set (&a->dose, 100, "mL");
    mar_quantity_set (&a->rate, 200, "mL/h");
    check (mar_store_upsert_administration (s->store, a, &info, NULL, &error), error, "pulled");
  }
}

void
shift_seed_previous_shift (MarTerminal *terminal,
                           MarShift    *shift)
{
  g_autoptr(MarShiftPlan) plan = mar_shift_plan_new_default ();
  g_auto(MarShift) current = { 0 };

  mar_shift_plan_find (plan, mar_terminal_get_time_zone (terminal), mar_terminal_get_now (terminal), &current);
  mar_shift_plan_step (plan, mar_terminal_get_time_zone (terminal), &current, -1, shift);
}

void
shift_seed_busy_unit (MarTerminal    *terminal,
                      guint           beds,
                      const MarShift *shift,
                      const char     *pin)
{
  static const char *badges[NURSES] = { "N1001", "N1002", "N1003", "N1004", "N1005", "N1006" };
  g_autoptr(GError) error = NULL;
  Seed s = { 0 };

  s.terminal = terminal;
  s.store = mar_terminal_get_store (terminal);
  s.record = mar_terminal_get_record (terminal);
  s.shift = shift;
  for (guint i = 0; i < NURSES; i++)
    {
      s.nurses[i] = mar_terminal_sign_in (terminal, badges[i], pin, &error);
      check (s.nurses[i] != NULL, error, "sign in");
    }
  populate (&s, beds);
  /* One transaction per bed (the record's actions nest as savepoints). */
  for (guint bed = 0; bed < beds; bed++)
    {
      check (mar_store_begin (s.store, &error), error, "begin");
      document_bed (&s, bed);
      check (mar_store_commit (s.store, &error), error, "commit");
      check (mar_audit_write_head_file (s.store, &error), error, "head file");
    }
  check (mar_store_set_last_sync (s.store, mar_terminal_get_now (terminal) - 60, &error), error, "last sync");
  for (guint i = 0; i < NURSES; i++)
    mar_signature_unref (s.nurses[i]);
}
