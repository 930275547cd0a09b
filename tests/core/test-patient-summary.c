/* test-patient-summary.c — the unit board's and the patient banner's facts
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Over the demo ward at its anchor (2026-01-15 10:00 New York): who is on
 * 4 West, their allergies, the bags running, the IV doses due or overdue,
 * and the unsynced marker.
 */

#include "config.h"

#include <math.h>

#include "mar-patient-summary.h"
#include "record-test-util.h"

static MarPatientSummary *
find_bed (GPtrArray  *summaries,
          const char *bed)
{
  for (guint i = 0; i < summaries->len; i++)
    {
      MarPatientSummary *s = g_ptr_array_index (summaries, i);

      if (g_strcmp0 (s->patient->bed_name, bed) == 0)
        return s;
    }
  g_assert_not_reached ();
}

static GPtrArray *
read_unit (RecordWard *w,
           double      minutes)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *summaries = mar_patient_summary_list_unit (w->verifier, w->record, "loc-4w",
                                                        rw_at (w, minutes), &error);

  g_assert_no_error (error);
  g_assert_nonnull (summaries);
  return summaries;
}

static void
test_unit_beds_in_order (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(GPtrArray) summaries = read_unit (w, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) other = NULL;

  /* 12 beds, 12 patients; the inactive duplicate (no encounter) is not one. */
  g_assert_cmpuint (summaries->len, ==, 12);
  for (guint i = 0; i < summaries->len; i++)
    {
      MarPatientSummary *s = g_ptr_array_index (summaries, i);
      g_autofree char *bed = g_strdup_printf ("4W-%02u", i + 1);

      g_assert_cmpstr (s->patient->bed_name, ==, bed);
      g_assert_cmpstr (s->patient->unit_id, ==, "loc-4w");
    }

  other = mar_store_list_unit_patients (w->store, "loc-nowhere", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (other->len, ==, 0);
}

static void
test_allergies (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(GPtrArray) summaries = read_unit (w, 0);
  MarPatientSummary *s;

  /* NKDA is an assessment, not an allergy. */
  s = find_bed (summaries, "4W-01");
  g_assert_true (s->allergies_assessed);
  g_assert_cmpuint (s->allergies->len, ==, 0);

  s = find_bed (summaries, "4W-02");
  g_assert_true (s->high_criticality);
  g_assert_cmpuint (s->allergies->len, ==, 1);

  /* Nothing recorded at all: not assessed (RULES.md ALLERGIES_NOT_ASSESSED). */
  s = find_bed (summaries, "4W-06");
  g_assert_false (s->allergies_assessed);
  g_assert_cmpuint (s->allergies->len, ==, 0);

  /* A refuted penicillin allergy is not shown. */
  s = find_bed (summaries, "4W-08");
  g_assert_true (s->allergies_assessed);
  g_assert_cmpuint (s->allergies->len, ==, 0);

  /* Text only, unconfirmed: shown, not high. */
  s = find_bed (summaries, "4W-07");
  g_assert_cmpuint (s->allergies->len, ==, 1);
  g_assert_false (s->high_criticality);
  /* Its weight is 40 days old. */
  g_assert_true (s->weight_stale);
  g_assert_false (find_bed (summaries, "4W-01")->weight_stale);
}

static void
test_running_elsewhere (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(GPtrArray) summaries = read_unit (w, 0);
  MarPatientSummary *s;
  MarRunningInfusion *running;

  /* 4W-10: heparin hung at 06:30 by another terminal. */
  s = find_bed (summaries, "4W-10");
  g_assert_cmpuint (s->infusions->len, ==, 1);
  running = g_ptr_array_index (s->infusions, 0);
  g_assert_cmpint (running->infusion_id, ==, 0);
  g_assert_false (running->paused);
  g_assert_cmpfloat (running->rate_ml_per_h, >, 0);
  g_assert_cmpfloat (running->volume_left_ml, >=, 0);
  g_assert_cmpfloat (running->volume_left_ml + running->volume_infused_ml, ==, 250.0);
  g_assert_cmpint (running->seconds_left, >, 0);

  s = find_bed (summaries, "4W-01");
  g_assert_cmpuint (s->infusions->len, ==, 0);
}

static void
test_dose_overdue_and_due (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(GPtrArray) at_ten = read_unit (w, 0);
  g_autoptr(GPtrArray) at_half_past_eleven = NULL;
  MarPatientSummary *s;
  MarDueDose *dose;

  /* Meropenem due 08:30, not given: 90 minutes overdue at 10:00. */
  s = find_bed (at_ten, "4W-10");
  g_assert_true (mar_patient_summary_has_due (s, MAR_DUE_OVERDUE));
  dose = g_ptr_array_index (s->doses, 0);
  g_assert_cmpstr (dose->order_id, ==, "mr-4w-10-meropenem");
  g_assert_cmpint (dose->status, ==, MAR_DUE_OVERDUE);
  g_assert_cmpint (dose->minutes, ==, 90);

  /* Piperacillin-tazobactam due 12:00 (q6h, ±60 min): not listed at 10:00,
   * due now at 11:30. */
  s = find_bed (at_ten, "4W-08");
  g_assert_false (mar_patient_summary_has_due (s, MAR_DUE_NOW));
  at_half_past_eleven = read_unit (w, 90);
  s = find_bed (at_half_past_eleven, "4W-08");
  g_assert_true (mar_patient_summary_has_due (s, MAR_DUE_NOW));

  /* A PRN order is never due, nor an IM one. */
  s = find_bed (at_ten, "4W-12");
  for (guint i = 0; i < s->doses->len; i++)
    {
      dose = g_ptr_array_index (s->doses, i);
      g_assert_cmpstr (dose->order_id, !=, "mr-4w-12-hydromorphone-prn");
      g_assert_cmpstr (dose->order_id, !=, "mr-4w-12-ceftriaxone-im");
    }
}

static void
test_local_bag_and_unsynced (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarInfusion) bag = rw_start_nacl (w, RW_NACL_S01, 0, 75);
  g_autoptr(GError) error = NULL;
  g_autoptr(MarPatientSummary) s = NULL;
  MarRunningInfusion *running;

  s = mar_patient_summary_read (w->verifier, w->record, "pt-4w-01", rw_at (w, 60), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (s->infusions->len, ==, 1);
  running = g_ptr_array_index (s->infusions, 0);
  g_assert_cmpint (running->infusion_id, ==, bag->id);
  g_assert_cmpfloat (fabs (running->rate_ml_per_h - 75.0), <, 1e-9);
  /* One hour at 75 mL/h from a 1000 mL bag. */
  g_assert_cmpfloat (fabs (running->volume_infused_ml - 75.0), <, 1e-6);
  g_assert_cmpfloat (fabs (running->volume_left_ml - 925.0), <, 1e-6);
  g_assert_cmpint (running->seconds_left, ==, 925 * 48);
  /* Nothing pushed yet: the bedside shows "not yet synced". */
  g_assert_cmpuint (s->unsynced, >, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/patient-summary/unit/beds-in-order", test_unit_beds_in_order);
  g_test_add_func ("/core/patient-summary/allergies", test_allergies);
  g_test_add_func ("/core/patient-summary/running/elsewhere", test_running_elsewhere);
  g_test_add_func ("/core/patient-summary/due/overdue-and-due", test_dose_overdue_and_due);
  g_test_add_func ("/core/patient-summary/running/local-unsynced", test_local_bag_and_unsynced);

  return g_test_run ();
}
