/* test-record-checks.c — what a start and a rate change must pass
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * RULES.md: a block refuses (no override ever); a warning goes on only
 * with a reason from its list; the rate check at start and rate change;
 * the witness for high-alert drugs; "unable to scan"; the clinical time.
 */

#include "config.h"

#include "mar-store-private.h"
#include "record-test-util.h"

#define INSULIN_PATIENT "74120683"
#define INSULIN_S55     "(01)00614141302109(17)301231(10)IN0415(21)S55"

typedef struct
{
  MarInfusion    *bag;
  MarRecordCheck *check;
  GError         *error;
} Start;

static void
start_clear (Start *s)
{
  g_clear_pointer (&s->bag, mar_infusion_free);
  g_clear_pointer (&s->check, mar_record_check_unref);
  g_clear_error (&s->error);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Start, start_clear)

static void
start (RecordWard             *w,
       Start                  *s,
       const char             *patient_text,
       const char             *product_text,
       double                  rate,
       MarRecordContext       *context,
       const MarUnableToScan  *unable,
       gboolean                patient_keyed,
       gboolean                product_keyed)
{
  g_autoptr(MarScanResult) patient = rw_scan (w, patient_text, patient_keyed);
  g_autoptr(MarScanResult) product = rw_scan (w, product_text, product_keyed);
  MarStartRequest request = {
    .patient_scan = patient, .product_scan = product, .rate_ml_per_h = rate, .unable_to_scan = unable,
  };

  start_clear (s);
  s->bag = mar_record_start (w->record, context, &request, &s->check, &s->error);
  g_assert_true ((s->bag != NULL) == (s->error == NULL));
}

static gint64
count_rows (RecordWard *w,
            const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarStmt) stmt = mar_store_prepare (w->store, sql, &error);

  g_assert_no_error (error);
  g_assert_cmpint (mar_store_step (w->store, stmt, &error), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static gint64
count_entries (RecordWard *w)
{
  return count_rows (w, "SELECT count(*) FROM record_entries");
}

/* Overrides ---------------------------------------------------------------- */

/* RATE_MISMATCH (heparin 18 units/kg/h × 72 kg at 100 units/mL = 12.96
 * mL/h; 20 mL/h entered) and RATE_ABOVE_SOFT_LIMIT (27.8 units/kg/h): each
 * warning needs its own reason. */
static void
test_override_required (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarSignature) witness = rw_sign_in (w, "N1002", rw_at (w, 0));
  g_auto(Start) s = { 0 };
  MarRecordContext context = rw_context (w, 0, w->nurse, witness);
  gint64 before = count_entries (w);
  GPtrArray *missing;

  start (w, &s, RW_BED1, RW_HEPARIN_S02, 20, &context, NULL, FALSE, FALSE);
  g_assert_error (s.error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_OVERRIDE_REQUIRED);
  g_assert_cmpint (mar_record_check_get_kind (s.check), ==, MAR_VERDICT_WARN);
  g_assert_true (mar_record_check_has_code (s.check, "RATE_MISMATCH"));
  g_assert_true (mar_record_check_has_code (s.check, "RATE_ABOVE_SOFT_LIMIT"));
  missing = mar_record_check_get_missing_overrides (s.check);
  g_assert_nonnull (missing);
  g_assert_cmpuint (missing->len, ==, 2);
  g_assert_cmpint (count_entries (w), ==, before);

  /* One reason is not enough. */
  {
    MarOverride one[] = { { "RATE_MISMATCH", "titration-protocol", NULL } };
    context.overrides = one;
    context.n_overrides = 1;
    start (w, &s, RW_BED1, RW_HEPARIN_S02, 20, &context, NULL, FALSE, FALSE);
    g_assert_error (s.error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_OVERRIDE_REQUIRED);
    g_assert_cmpuint (mar_record_check_get_missing_overrides (s.check)->len, ==, 1);
  }
}

/* A reason must be on the warning's own list; "other" needs a comment. */
static void
test_override_reason_from_list (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarSignature) witness = rw_sign_in (w, "N1002", rw_at (w, 0));
  g_auto(Start) s = { 0 };
  MarRecordContext context = rw_context (w, 0, w->nurse, witness);
  MarOverride not_on_list[] = {
    { "RATE_MISMATCH", "patient-off-unit", NULL },   /* a TIME_LATE reason */
    { "RATE_ABOVE_SOFT_LIMIT", "titration-protocol", NULL },
  };
  MarOverride other_bare[] = {
    { "RATE_MISMATCH", "other", NULL },
    { "RATE_ABOVE_SOFT_LIMIT", "titration-protocol", NULL },
  };
  MarOverride good[] = {
    { "RATE_MISMATCH", "other", "bolus protocol per Dr. Lind" },
    { "RATE_ABOVE_SOFT_LIMIT", "titration-protocol", NULL },
  };

  context.overrides = not_on_list;
  context.n_overrides = 2;
  start (w, &s, RW_BED1, RW_HEPARIN_S02, 20, &context, NULL, FALSE, FALSE);
  g_assert_error (s.error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_INVALID);

  context.overrides = other_bare;
  start (w, &s, RW_BED1, RW_HEPARIN_S02, 20, &context, NULL, FALSE, FALSE);
  g_assert_error (s.error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_INVALID);

  context.overrides = good;
  start (w, &s, RW_BED1, RW_HEPARIN_S02, 20, &context, NULL, FALSE, FALSE);
  g_assert_no_error (s.error);
  g_assert_cmpint (mar_record_check_get_kind (s.check), ==, MAR_VERDICT_WARN);
  g_assert_null (mar_record_check_get_missing_overrides (s.check));

  /* RULES.md, The record: overrides go to the variance log. */
  g_assert_cmpint (count_rows (w, "SELECT count(*) FROM variances WHERE kind = 'override' "
                                  "AND code = 'RATE_MISMATCH' AND reason = 'other' "
                                  "AND comment = 'bolus protocol per Dr. Lind'"), ==, 1);
  g_assert_cmpint (count_rows (w, "SELECT count(*) FROM variances WHERE kind = 'override'"), ==, 2);
}

/* A block never goes on, whatever reason is given (ALLERGY, high
 * criticality: S36). */
static void
test_block_never_overridden (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_auto(Start) s = { 0 };
  MarRecordContext context = rw_context (w, 0, w->nurse, NULL);
  MarOverride allergy[] = { { "ALLERGY", "provider-aware", "discussed with Dr. Lind" } };
  gint64 before = count_entries (w);

  context.overrides = allergy;
  context.n_overrides = 1;
  start (w, &s, "74120467", "(01)00614141204106(17)301231(10)PT7730(21)S36", 100, &context, NULL,
         FALSE, FALSE);
  g_assert_error (s.error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_BLOCKED);
  g_assert_cmpint (mar_record_check_get_kind (s.check), ==, MAR_VERDICT_BLOCK);
  g_assert_true (mar_record_check_has_code (s.check, "ALLERGY"));
  g_assert_cmpint (count_entries (w), ==, before);
  g_assert_cmpint (count_rows (w, "SELECT count(*) FROM variances"), ==, 0);
}

/* TIME_LATE (S38: due 08:30, started 10:00): the override and the minutes
 * late go to the variance log. */
static void
test_time_late_variance (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_auto(Start) s = { 0 };
  MarRecordContext context = rw_context (w, 0, w->nurse, NULL);
  MarOverride late[] = { { "TIME_LATE", "patient-off-unit", "back from CT at 09:50" } };

  context.overrides = late;
  context.n_overrides = 1;
  start (w, &s, "74121248", "(01)00614141205103(17)301231(10)MP3318(21)S38", 100, &context, NULL,
         FALSE, FALSE);
  g_assert_no_error (s.error);
  g_assert_cmpint (count_rows (w, "SELECT minutes FROM variances WHERE kind = 'late' AND code = 'TIME_LATE'"),
                   ==, 90);
  g_assert_cmpint (count_rows (w, "SELECT count(*) FROM variances WHERE kind = 'override' "
                                  "AND code = 'TIME_LATE' AND reason = 'patient-off-unit'"), ==, 1);
}

/* Rates ---------------------------------------------------------------------- */

/* Insulin 100 units/100 mL: ordered 7 units/h = 7 mL/h; the library's
 * limits are 0.5–20 units/h (soft) and 50 units/h (hard). */
static void
test_rate_limits (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarSignature) witness = rw_sign_in (w, "N1002", rw_at (w, 0));
  g_auto(Start) s = { 0 };
  MarRecordContext context = rw_context (w, 0, w->nurse, witness);
  MarOverride soft[] = {
    { "RATE_MISMATCH", "provider-order", NULL },
    { "RATE_ABOVE_SOFT_LIMIT", "provider-order", NULL },
    { "RATE_BELOW_SOFT_LIMIT", "provider-order", NULL },
  };

  context.overrides = soft;
  context.n_overrides = G_N_ELEMENTS (soft);

  /* Hard limit: a block, whatever the reasons. */
  start (w, &s, INSULIN_PATIENT, INSULIN_S55, 60, &context, NULL, FALSE, FALSE);
  g_assert_error (s.error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_BLOCKED);
  g_assert_true (mar_record_check_has_code (s.check, "RATE_ABOVE_HARD_LIMIT"));

  /* Below the soft limit: a warning with its reason. */
  start (w, &s, INSULIN_PATIENT, INSULIN_S55, 0.3, &context, NULL, FALSE, FALSE);
  g_assert_no_error (s.error);
  g_assert_true (mar_record_check_has_code (s.check, "RATE_BELOW_SOFT_LIMIT"));
  g_assert_true (mar_record_check_has_code (s.check, "RATE_MISMATCH"));

  /* Rate changes are checked the same way. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(MarRecordCheck) check = NULL;
    g_autoptr(MarSignature) witness2 = rw_sign_in (w, "N1002", rw_at (w, 30));
    MarRecordContext change = rw_context (w, 30, w->nurse, witness2);

    g_assert_false (mar_record_change_rate (w->record, &change, s.bag->id, 25, "titration-protocol", NULL,
                                            &check, &error));
    g_assert_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_OVERRIDE_REQUIRED);
    g_assert_true (mar_record_check_has_code (check, "RATE_ABOVE_SOFT_LIMIT"));
    g_clear_pointer (&check, mar_record_check_unref);
    g_clear_error (&error);

    g_assert_false (mar_record_change_rate (w->record, &change, s.bag->id, 60, "titration-protocol", NULL,
                                            &check, &error));
    g_assert_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_BLOCKED);
    g_assert_true (mar_record_check_has_code (check, "RATE_ABOVE_HARD_LIMIT"));
    g_clear_pointer (&check, mar_record_check_unref);
    g_clear_error (&error);

    /* The ordered rate needs no reason beyond the change's own. */
    g_assert_true (mar_record_change_rate (w->record, &change, s.bag->id, 7, "titration-protocol", NULL,
                                           &check, &error));
    g_assert_no_error (error);
    g_assert_cmpint (mar_record_check_get_kind (check), ==, MAR_VERDICT_PASS);
  }
}

/* WEIGHT_MISSING (S34: ketamine mg/kg/h, no weight at all) blocks. */
static void
test_rate_weight_missing (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_auto(Start) s = { 0 };
  MarRecordContext context = rw_context (w, 0, w->nurse, NULL);

  start (w, &s, "74120856", "(01)00614141501106(17)301231(10)KT0581(21)S34", 5, &context, NULL,
         FALSE, FALSE);
  g_assert_error (s.error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_BLOCKED);
  g_assert_true (mar_record_check_has_code (s.check, "WEIGHT_MISSING"));
}

static void
test_rate_invalid (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_auto(Start) s = { 0 };
  MarRecordContext context = rw_context (w, 0, w->nurse, NULL);

  start (w, &s, RW_BED1, RW_NACL_S01, 0, &context, NULL, FALSE, FALSE);
  g_assert_error (s.error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_INVALID);
  start (w, &s, RW_BED1, RW_NACL_S01, 10000, &context, NULL, FALSE, FALSE);
  g_assert_error (s.error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_INVALID);
}

/* Witness (RULES.md WITNESS_REQUIRED) ------------------------------------------ */

static void
assert_witness_missing (RecordWard       *w,
                        MarRecordContext *context)
{
  g_auto(Start) s = { 0 };
  gint64 before = count_entries (w);

  start (w, &s, INSULIN_PATIENT, INSULIN_S55, 7, context, NULL, FALSE, FALSE);
  g_assert_error (s.error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_BLOCKED);
  g_assert_true (mar_record_check_has_code (s.check, "WITNESS_MISSING"));
  g_assert_cmpint (count_entries (w), ==, before);
}

static void
test_witness_missing (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  MarRecordContext context = rw_context (w, 0, w->nurse, NULL);

  assert_witness_missing (w, &context);
}

static void
test_witness_same_person (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  MarRecordContext context = rw_context (w, 0, w->nurse, w->nurse);

  assert_witness_missing (w, &context);
}

static void
test_witness_wrong_role (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  MarRecordContext context = rw_context (w, 0, w->nurse, w->it);

  assert_witness_missing (w, &context);
}

/* On the spot: a PIN entered ten minutes ago does not witness now. */
static void
test_witness_not_on_the_spot (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  MarRecordContext context = rw_context (w, 10, w->nurse, w->nurse2);

  assert_witness_missing (w, &context);
}

/* A charge nurse witnesses; the witness is recorded (FHIR verifier). */
static void
test_witness_charge_nurse (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_auto(Start) s = { 0 };
  MarRecordContext context = rw_context (w, 0, w->nurse, w->charge);

  start (w, &s, INSULIN_PATIENT, INSULIN_S55, 7, &context, NULL, FALSE, FALSE);
  g_assert_no_error (s.error);
  g_assert_cmpstr (s.bag->witness_id, ==, "prac-c2001");
  g_assert_true (s.bag->requires_witness);
  g_assert_true (mar_record_check_has_code (s.check, "WITNESS_REQUIRED"));
}

/* The witness rule holds at rate change and bolus too, not at pause. */
static void
test_witness_rate_change_and_bolus (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_auto(Start) s = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(MarRecordCheck) check = NULL;
  MarRecordContext context = rw_context (w, 0, w->nurse, w->nurse2);
  MarRecordContext alone = rw_context (w, 30, w->nurse, NULL);

  start (w, &s, INSULIN_PATIENT, INSULIN_S55, 7, &context, NULL, FALSE, FALSE);
  g_assert_no_error (s.error);

  g_assert_false (mar_record_change_rate (w->record, &alone, s.bag->id, 8, "titration-protocol", NULL,
                                          &check, &error));
  g_assert_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_BLOCKED);
  g_assert_true (mar_record_check_has_code (check, "WITNESS_MISSING"));
  g_clear_error (&error);
  g_clear_pointer (&check, mar_record_check_unref);

  g_assert_false (mar_record_give_bolus (w->record, &alone, s.bag->id, 2, &check, &error));
  g_assert_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_BLOCKED);
  g_assert_true (mar_record_check_has_code (check, "WITNESS_MISSING"));
  g_clear_error (&error);
  g_clear_pointer (&check, mar_record_check_unref);

  g_assert_true (mar_record_pause (w->record, &alone, s.bag->id, "patient-care", NULL, &error));
  g_assert_no_error (error);

  {
    g_autoptr(MarSignature) witness = rw_sign_in (w, "C2001", rw_at (w, 40));
    MarRecordContext witnessed = rw_context (w, 40, w->nurse, witness);
    MarOverride mismatch[] = { { "RATE_MISMATCH", "titration-protocol", NULL } };

    witnessed.overrides = mismatch;
    witnessed.n_overrides = 1;
    g_assert_true (mar_record_resume (w->record, &witnessed, s.bag->id, NULL, &error));
    g_assert_true (mar_record_change_rate (w->record, &witnessed, s.bag->id, 8, "titration-protocol", NULL,
                                           NULL, &error));
    g_assert_true (mar_record_give_bolus (w->record, &witnessed, s.bag->id, 2, NULL, &error));
    g_assert_no_error (error);
  }
}

/* A witness where none is needed must still be able to witness. */
static void
test_witness_not_needed (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_auto(Start) s = { 0 };
  MarRecordContext context = rw_context (w, 0, w->nurse, w->it);

  start (w, &s, RW_BED1, RW_NACL_S01, 75, &context, NULL, FALSE, FALSE);
  g_assert_error (s.error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_INVALID);

  context.witness = w->nurse2;
  start (w, &s, RW_BED1, RW_NACL_S01, 75, &context, NULL, FALSE, FALSE);
  g_assert_no_error (s.error);
  g_assert_cmpstr (s.bag->witness_id, ==, "prac-n1002");
}

/* IT documents nothing. */
static void
test_performer_role (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_auto(Start) s = { 0 };
  MarRecordContext context = rw_context (w, 0, w->it, NULL);

  start (w, &s, RW_BED1, RW_NACL_S01, 75, &context, NULL, FALSE, FALSE);
  g_assert_error (s.error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_NOT_ALLOWED);
}

/* Unable to scan (RULES.md, The record) --------------------------------------- */

/* The wristband is damaged: the nurse picks the patient (keyed MRN),
 * confirms name and date of birth; the full verification still runs and
 * the event and the keyed entry go to the variance log. */
static void
test_unable_to_scan (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_auto(Start) s = { 0 };
  MarRecordContext context = rw_context (w, 0, w->nurse, NULL);
  MarUnableToScan unable = {
    .patient_reason = "damaged-wristband",
    .confirmed_name = "Okonkwo-Fairweather, Amara",
    .confirmed_birth_date = "1958-03-14",
  };

  start (w, &s, RW_BED1, RW_NACL_S01, 75, &context, &unable, TRUE, FALSE);
  g_assert_no_error (s.error);
  g_assert_cmpint (count_rows (w, "SELECT count(*) FROM variances WHERE kind = 'unable-to-scan' "
                                  "AND code = 'patient' AND reason = 'damaged-wristband'"), ==, 1);
  g_assert_cmpint (count_rows (w, "SELECT count(*) FROM variances WHERE kind = 'keyed' "
                                  "AND code = 'patient'"), ==, 1);
}

static void
test_unable_to_scan_identifiers (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_auto(Start) s = { 0 };
  MarRecordContext context = rw_context (w, 0, w->nurse, NULL);
  MarUnableToScan one = { .patient_reason = "damaged-wristband", .confirmed_mrn = RW_BED1 };
  MarUnableToScan wrong = {
    .patient_reason = "damaged-wristband", .confirmed_mrn = RW_BED1, .confirmed_birth_date = "1958-03-15",
  };

  start (w, &s, RW_BED1, RW_NACL_S01, 75, &context, &one, TRUE, FALSE);
  g_assert_error (s.error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_BLOCKED);
  g_assert_true (mar_record_check_has_code (s.check, "IDENTIFIERS_NOT_CONFIRMED"));

  start (w, &s, RW_BED1, RW_NACL_S01, 75, &context, &wrong, TRUE, FALSE);
  g_assert_error (s.error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_BLOCKED);
  g_assert_true (mar_record_check_has_code (s.check, "IDENTIFIERS_NOT_CONFIRMED"));
}

/* It replaces only the scan: the reason must be on the list, the value
 * must be picked or typed (and readable), and every other block holds. */
static void
test_unable_to_scan_rules (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_auto(Start) s = { 0 };
  MarRecordContext context = rw_context (w, 0, w->nurse, NULL);
  MarUnableToScan unknown = {
    .product_reason = "bag-was-wet", .confirmed_name = "Okonkwo-Fairweather", .confirmed_mrn = RW_BED1,
  };
  MarUnableToScan label = {
    .product_reason = "damaged-label", .confirmed_name = "Okonkwo-Fairweather", .confirmed_mrn = RW_BED1,
  };

  start (w, &s, RW_BED1, RW_NACL_S01, 75, &context, &unknown, FALSE, TRUE);
  g_assert_error (s.error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_INVALID);

  /* Scanned after all: not "unable to scan". */
  start (w, &s, RW_BED1, RW_NACL_S01, 75, &context, &label, FALSE, FALSE);
  g_assert_error (s.error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_INVALID);

  /* Typed wrong (bad check digit): typed again, not a verdict. */
  start (w, &s, RW_BED1, "(01)00614141100102(17)301231(10)NS6021(21)S03", 75, &context, &label, FALSE, TRUE);
  g_assert_error (s.error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_INVALID);

  /* Typed right, but expired (S14): PRODUCT_EXPIRED holds. */
  start (w, &s, RW_BED1, "(01)00614141100101(17)250630(10)NS6021(21)S14", 75, &context, &label, FALSE, TRUE);
  g_assert_error (s.error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_BLOCKED);
  g_assert_true (mar_record_check_has_code (s.check, "PRODUCT_EXPIRED"));

  start (w, &s, RW_BED1, RW_NACL_S01, 75, &context, &label, FALSE, TRUE);
  g_assert_no_error (s.error);
  g_assert_cmpint (count_rows (w, "SELECT count(*) FROM variances WHERE kind = 'keyed' "
                                  "AND code = 'product'"), ==, 1);
}

/* Time ------------------------------------------------------------------------- */

static void
test_time_future (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_auto(Start) s = { 0 };
  MarRecordContext context = rw_context (w, 0, w->nurse, NULL);

  context.at = context.now + MAR_RECORD_FUTURE_TOLERANCE_SECONDS + 1;
  start (w, &s, RW_BED1, RW_NACL_S01, 75, &context, NULL, FALSE, FALSE);
  g_assert_error (s.error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_FUTURE);

  /* A pump clock a minute ahead is no plan. */
  context.at = context.now + 60;
  start (w, &s, RW_BED1, RW_NACL_S01, 75, &context, NULL, FALSE, FALSE);
  g_assert_no_error (s.error);
}

/* Documented 50 minutes after the fact: allowed, flagged with the real
 * entry time. */
static void
test_time_late_entry (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_auto(Start) s = { 0 };
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  MarRecordContext context = rw_context (w, 0, w->nurse, NULL);
  const MarAuditEntry *entry;

  context.at = context.now - 50 * 60;
  start (w, &s, RW_BED1, RW_NACL_S01, 75, &context, NULL, FALSE, FALSE);
  g_assert_no_error (s.error);
  g_assert_cmpint (s.bag->started_at, ==, rw_at (w, -50));
  g_assert_cmpint (count_rows (w, "SELECT minutes FROM variances WHERE kind = 'late-entry'"), ==, 50);

  entries = mar_audit_list_entries (w->store, s.bag->created_seq, s.bag->created_seq, &error);
  g_assert_no_error (error);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpint (entry->at, ==, rw_at (w, -50));
  g_assert_cmpint (entry->recorded_at, ==, rw_at (w, 0));
}

/* A bag's entries follow each other: a pause before its start is refused. */
static void
test_time_out_of_order (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarInfusion) bag = rw_start_nacl (w, RW_NACL_S01, 0, 75);
  g_autoptr(GError) error = NULL;
  MarRecordContext context = rw_context (w, 30, w->nurse, NULL);

  context.at = rw_at (w, -5);
  g_assert_false (mar_record_pause (w->record, &context, bag->id, "patient-care", NULL, &error));
  g_assert_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_OUT_OF_ORDER);
}

/* PRN (S41): the reason for giving, and the PRN_TOO_SOON override. */
static void
test_prn_reason (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarScanResult) patient = rw_scan (w, "74120856", FALSE);
  g_autoptr(MarScanResult) product = rw_scan (w, "(01)00614141503209(17)301231(10)HM0514(21)S41", FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(MarRecordCheck) check = NULL;
  g_autoptr(MarInfusion) bag = NULL;
  MarRecordContext context = rw_context (w, 0, w->nurse, NULL);
  MarOverride soon[] = { { "PRN_TOO_SOON", "patient-condition", NULL } };
  MarStartRequest request = { .patient_scan = patient, .product_scan = product, .rate_ml_per_h = 1 };

  context.overrides = soon;
  context.n_overrides = 1;
  bag = mar_record_start (w->record, &context, &request, &check, &error);
  g_assert_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_OVERRIDE_REQUIRED);
  g_assert_true (mar_record_check_has_code (check, "PRN_REASON"));
  g_clear_error (&error);
  g_clear_pointer (&check, mar_record_check_unref);

  request.prn_reason = "severe pain 8/10";
  bag = mar_record_start (w->record, &context, &request, &check, &error);
  g_assert_no_error (error);
  g_assert_nonnull (bag);
}

/* IVIG (S29): the second bottle of a dose is charted as partial with what
 * it holds, so the engine adds up the dose. */
static void
test_partial_container (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_auto(Start) s = { 0 };
  MarRecordContext context = rw_context (w, 0, w->nurse, NULL);
  MarOverride partial[] = { { "DOSE_PARTIAL", "remaining-container-follows", NULL } };

  context.overrides = partial;
  context.n_overrides = 1;
  start (w, &s, "74121174", "(01)00614141401109(17)301231(10)IG24K07(21)S29", 100, &context, NULL,
         FALSE, FALSE);
  g_assert_no_error (s.error);
  g_assert_true (s.bag->partial);
  g_assert_true (s.bag->container_dose.set);
  g_assert_cmpfloat (s.bag->container_dose.value, >, 0);
  g_assert_cmpint (count_rows (w, "SELECT count(*) FROM administrations WHERE source = 'local' "
                                  "AND partial = 1 AND dose_value > 0 AND status = 'in-progress'"), ==, 1);
}

/* A dose this terminal charted counts like one charted elsewhere
 * (RULES.md, DOSE_ALREADY_GIVEN): S52's loading dose, twice. */
static void
test_dose_already_given_locally (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_auto(Start) s = { 0 };
  MarRecordContext context = rw_context (w, 0, w->nurse, NULL);

  start (w, &s, "(8018)061414100741213902", "(01)00614141201259(17)301231(10)VB5811(21)S52", 125, &context,
         NULL, FALSE, FALSE);
  g_assert_no_error (s.error);
  start (w, &s, "(8018)061414100741213902", "(01)00614141201259(17)301231(10)VB5811(21)S52B", 125, &context,
         NULL, FALSE, FALSE);
  g_assert_error (s.error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_BLOCKED);
  g_assert_true (mar_record_check_has_code (s.check, "DOSE_ALREADY_GIVEN"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/record/override/required", test_override_required);
  g_test_add_func ("/core/record/override/reason-from-list", test_override_reason_from_list);
  g_test_add_func ("/core/record/override/block-never", test_block_never_overridden);
  g_test_add_func ("/core/record/override/time-late", test_time_late_variance);
  g_test_add_func ("/core/record/rate/limits", test_rate_limits);
  g_test_add_func ("/core/record/rate/weight-missing", test_rate_weight_missing);
  g_test_add_func ("/core/record/rate/invalid", test_rate_invalid);
  g_test_add_func ("/core/record/witness/missing", test_witness_missing);
  g_test_add_func ("/core/record/witness/same-person", test_witness_same_person);
  g_test_add_func ("/core/record/witness/wrong-role", test_witness_wrong_role);
  g_test_add_func ("/core/record/witness/not-on-the-spot", test_witness_not_on_the_spot);
  g_test_add_func ("/core/record/witness/charge-nurse", test_witness_charge_nurse);
  g_test_add_func ("/core/record/witness/rate-change-and-bolus", test_witness_rate_change_and_bolus);
  g_test_add_func ("/core/record/witness/not-needed", test_witness_not_needed);
  g_test_add_func ("/core/record/performer/role", test_performer_role);
  g_test_add_func ("/core/record/unable-to-scan/wristband", test_unable_to_scan);
  g_test_add_func ("/core/record/unable-to-scan/identifiers", test_unable_to_scan_identifiers);
  g_test_add_func ("/core/record/unable-to-scan/rules", test_unable_to_scan_rules);
  g_test_add_func ("/core/record/time/future", test_time_future);
  g_test_add_func ("/core/record/time/late-entry", test_time_late_entry);
  g_test_add_func ("/core/record/time/out-of-order", test_time_out_of_order);
  g_test_add_func ("/core/record/prn/reason", test_prn_reason);
  g_test_add_func ("/core/record/partial/container", test_partial_container);
  g_test_add_func ("/core/record/dose/already-given-locally", test_dose_already_given_locally);

  return g_test_run ();
}
