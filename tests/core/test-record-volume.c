/* test-record-volume.c — volume infused and IV intake at their edges; projections rebuilt
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * RULES.md: volume infused = Σ rate × time over infusing segments +
 * boluses, capped at the bag volume; per bag and per patient per shift.
 * Edges: midnight, the DST days of America/New_York in 2026 (8 March: a
 * 23-hour day; 1 November: 25 hours), rate 0, pauses, boluses, the cap,
 * late entries, corrections. Shifts are 07:00–19:00 and 19:00–07:00 local.
 */

#include "config.h"

#include "mar-time.h"
#include "record-test-util.h"
#include "store-test-util.h"

static GTimeZone *ny;

static gint64
local (int year, int month, int day, int hour, int minute)
{
  return mar_time_from_local (ny, year, month, day, hour, minute, 0);
}

static void
add_segment (MarInfusion *bag,
             gint64       start,
             gint64       end,
             double       rate)
{
  MarInfusionSegment s = { start, end, rate, 0, 0 };

  g_array_append_val (bag->segments, s);
}

static void
add_bolus (MarInfusion *bag,
           gint64       at,
           double       ml)
{
  MarInfusionBolus b = { at, ml, 0 };

  g_array_append_val (bag->boluses, b);
}

static MarInfusion *
bag_of (double volume)
{
  MarInfusion *bag = mar_infusion_new ();

  bag->bag_volume_ml = volume;
  return bag;
}

#define assert_ml(a, b) g_assert_cmpfloat_with_epsilon ((a), (b), 1e-6)

static void
test_volume_rate_times_time (void)
{
  g_autoptr(MarInfusion) bag = bag_of (1000);
  gint64 t = local (2026, 1, 15, 8, 0);

  add_segment (bag, t, MAR_TIME_UNSET, 100);
  assert_ml (mar_infusion_get_volume_at (bag, t), 0);
  assert_ml (mar_infusion_get_volume_at (bag, t + 90 * 60), 150);
  assert_ml (mar_infusion_get_volume_at (bag, t - 3600), 0);
}

/* A bag running across midnight: each day gets its own part. */
static void
test_volume_midnight (void)
{
  g_autoptr(MarInfusion) bag = bag_of (1000);
  gint64 midnight = local (2026, 1, 16, 0, 0);

  add_segment (bag, local (2026, 1, 15, 22, 0), local (2026, 1, 16, 2, 0), 100);
  assert_ml (mar_infusion_get_volume_between (bag, local (2026, 1, 15, 0, 0), midnight), 200);
  assert_ml (mar_infusion_get_volume_between (bag, midnight, local (2026, 1, 17, 0, 0)), 200);
  assert_ml (mar_infusion_get_volume_at (bag, local (2026, 1, 16, 12, 0)), 400);
}

/* 8 March 2026: clocks go from 02:00 to 03:00; the night shift is 11
 * hours long and the day 23. */
static void
test_volume_dst_spring (void)
{
  g_autoptr(MarInfusion) bag = bag_of (5000);
  gint64 night_start = local (2026, 3, 7, 19, 0);
  gint64 night_end = local (2026, 3, 8, 7, 0);

  g_assert_cmpint (night_end - night_start, ==, 11 * 3600);
  add_segment (bag, local (2026, 3, 7, 12, 0), MAR_TIME_UNSET, 75);
  assert_ml (mar_infusion_get_volume_between (bag, night_start, night_end), 825);
  assert_ml (mar_infusion_get_volume_between (bag, local (2026, 3, 8, 0, 0), local (2026, 3, 9, 0, 0)),
             23 * 75);
}

/* 1 November 2026: 02:00 comes twice; the night shift is 13 hours. */
static void
test_volume_dst_fall (void)
{
  g_autoptr(MarInfusion) bag = bag_of (5000);
  gint64 night_start = local (2026, 10, 31, 19, 0);
  gint64 night_end = local (2026, 11, 1, 7, 0);

  g_assert_cmpint (night_end - night_start, ==, 13 * 3600);
  add_segment (bag, local (2026, 10, 31, 12, 0), MAR_TIME_UNSET, 75);
  assert_ml (mar_infusion_get_volume_between (bag, night_start, night_end), 975);
  assert_ml (mar_infusion_get_volume_between (bag, local (2026, 11, 1, 0, 0), local (2026, 11, 2, 0, 0)),
             25 * 75);
}

static void
test_volume_rate_zero_and_pauses (void)
{
  g_autoptr(MarInfusion) bag = bag_of (1000);
  gint64 t = local (2026, 1, 15, 8, 0);

  add_segment (bag, t, t + 3600, 100);                  /* 100 mL */
  add_segment (bag, t + 3600, t + 2 * 3600, 0);         /* rate 0: nothing */
  /* paused from +2 h to +3 h: no segment */
  add_segment (bag, t + 3 * 3600, MAR_TIME_UNSET, 50);  /* 50 mL/h */
  assert_ml (mar_infusion_get_volume_at (bag, t + 3 * 3600), 100);
  assert_ml (mar_infusion_get_volume_at (bag, t + 4 * 3600), 150);
  assert_ml (mar_infusion_get_volume_between (bag, t + 3600, t + 3 * 3600), 0);
}

/* A bolus counts at its time; one exactly at 07:00 belongs to the shift
 * that starts then (half-open shifts). */
static void
test_volume_boluses (void)
{
  g_autoptr(MarInfusion) bag = bag_of (1000);
  gint64 seven = local (2026, 1, 15, 7, 0);

  add_segment (bag, seven - 3600, MAR_TIME_UNSET, 100);
  add_bolus (bag, seven, 25);
  assert_ml (mar_infusion_get_volume_between (bag, seven - 12 * 3600, seven), 100);
  assert_ml (mar_infusion_get_volume_between (bag, seven, seven + 12 * 3600), 1000 - 100);
  assert_ml (mar_infusion_get_volume_between (bag, seven, seven + 3600), 125);
  assert_ml (mar_infusion_get_estimate_at (bag, seven), 125);
}

/* The bag holds 1000 mL: 500 mL/h for 3 h gives 1000, not 1500; without a
 * bag volume the volume to be infused caps it; without either, nothing. */
static void
test_volume_cap (void)
{
  g_autoptr(MarInfusion) bag = bag_of (1000);
  g_autoptr(MarInfusion) vtbi = bag_of (0);
  g_autoptr(MarInfusion) open = bag_of (0);
  gint64 t = local (2026, 1, 15, 8, 0);

  add_segment (bag, t, MAR_TIME_UNSET, 500);
  add_bolus (bag, t + 3600, 200);
  assert_ml (mar_infusion_get_volume_at (bag, t + 3600), 700);
  assert_ml (mar_infusion_get_volume_at (bag, t + 3 * 3600), 1000);
  assert_ml (mar_infusion_get_volume_between (bag, t + 3600 + 1800, t + 5 * 3600), 50);

  vtbi->vtbi_ml = 250;
  add_segment (vtbi, t, MAR_TIME_UNSET, 100);
  assert_ml (mar_infusion_get_volume_at (vtbi, t + 5 * 3600), 250);
  add_segment (open, t, MAR_TIME_UNSET, 100);
  assert_ml (mar_infusion_get_volume_at (open, t + 50 * 3600), 5000);
}

/* The pump's volume at stop replaces the estimate; a restart adds on. */
static void
test_volume_confirmed (void)
{
  g_autoptr(MarInfusion) bag = bag_of (1000);
  gint64 t = local (2026, 1, 15, 8, 0);
  MarVolumeCheck check = { t + 2 * 3600, 150, 140, 0 };

  add_segment (bag, t, t + 2 * 3600, 75);
  g_array_append_val (bag->volume_checks, check);
  add_segment (bag, t + 3 * 3600, MAR_TIME_UNSET, 75);
  assert_ml (mar_infusion_get_volume_at (bag, t + 2 * 3600 - 1), 75 * (2 * 3600 - 1) / 3600.0);
  assert_ml (mar_infusion_get_volume_at (bag, t + 2 * 3600), 140);
  assert_ml (mar_infusion_get_volume_at (bag, t + 4 * 3600), 215);
  /* The 10 mL less counts when the nurse read the pump. */
  assert_ml (mar_infusion_get_volume_between (bag, t, t + 2 * 3600), 150);
  assert_ml (mar_infusion_get_volume_between (bag, t + 2 * 3600, t + 4 * 3600), 65);
}

/* Through the record ------------------------------------------------------------ */

static MarRecordContext
context_at (RecordWard *w,
            gint64      t)
{
  return rw_context (w, (double) (t - w->anchor) / 60, w->nurse, NULL);
}

static double
intake (RecordWard *w,
        gint64      from,
        gint64      to)
{
  g_autoptr(GError) error = NULL;
  double ml = -1;

  g_assert_true (mar_record_get_iv_intake (w->record, "pt-4w-01", from, to, &ml, &error));
  g_assert_no_error (error);
  return ml;
}

/* The night shift of the fall-back day, through the record: 13 h × 75. */
static void
test_intake_dst_fall (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  gint64 night_start = local (2026, 10, 31, 19, 0);
  gint64 night_end = local (2026, 11, 1, 7, 0);
  g_autoptr(MarInfusion) bag = rw_start_nacl (w, RW_NACL_S01, (night_start - w->anchor) / 60.0, 75);

  g_assert_nonnull (bag);
  assert_ml (intake (w, night_start, night_end), 975);
  assert_ml (intake (w, night_start - 12 * 3600, night_start), 0);
}

static void
test_intake_dst_spring (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  gint64 night_start = local (2026, 3, 7, 19, 0);
  gint64 night_end = local (2026, 3, 8, 7, 0);
  g_autoptr(MarInfusion) bag = rw_start_nacl (w, RW_NACL_S01, (night_start - w->anchor) / 60.0, 75);

  g_assert_nonnull (bag);
  assert_ml (intake (w, night_start, night_end), 825);
}

/* A patient's IV intake is every bag of theirs: heparin and saline, with
 * a pause, a bolus and a start documented late. */
static void
test_intake_bags_pauses_boluses_late (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarInfusion) nacl = NULL;
  g_autoptr(MarInfusion) heparin = NULL;
  g_autoptr(GError) error = NULL;
  gint64 seven = local (2026, 1, 15, 7, 0);
  gint64 nineteen = local (2026, 1, 15, 19, 0);
  MarRecordContext late = rw_context (w, 0, w->nurse, NULL);

  /* Saline started at 09:00 (when the order starts), documented at 10:00. */
  {
    g_autoptr(MarScanResult) patient = rw_scan (w, RW_BED1, FALSE);
    g_autoptr(MarScanResult) product = rw_scan (w, RW_NACL_S01, FALSE);
    g_autoptr(MarRecordCheck) check = NULL;
    MarStartRequest request = { .patient_scan = patient, .product_scan = product, .rate_ml_per_h = 75 };

    late.at = local (2026, 1, 15, 9, 0);
    nacl = mar_record_start (w->record, &late, &request, &check, &error);
    g_assert_no_error (error);
  }
  /* Paused 11:00–12:00, a 50 mL bolus at 13:00. */
  {
    MarRecordContext at11 = context_at (w, local (2026, 1, 15, 11, 0));
    MarRecordContext at12 = context_at (w, local (2026, 1, 15, 12, 0));
    MarRecordContext at13 = context_at (w, local (2026, 1, 15, 13, 0));

    g_assert_true (mar_record_pause (w->record, &at11, nacl->id, "patient-care", NULL, &error));
    g_assert_true (mar_record_resume (w->record, &at12, nacl->id, NULL, &error));
    g_assert_true (mar_record_give_bolus (w->record, &at13, nacl->id, 50, NULL, &error));
    g_assert_no_error (error);
  }
  heparin = rw_start_heparin (w, 0, 12.96, NULL, 0);

  /* 09:00–11:00 and 12:00–19:00 at 75 (675) + 50; heparin 10:00–19:00. */
  assert_ml (intake (w, seven, nineteen), 675 + 50 + 9 * 12.96);
  assert_ml (intake (w, seven, local (2026, 1, 15, 10, 0)), 75);
}

/* A bolus documented in error comes out of the intake. */
static void
test_intake_correction (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarInfusion) nacl = rw_start_nacl (w, RW_NACL_S01, 0, 75);
  g_autoptr(MarInfusion) after = NULL;
  g_autoptr(GError) error = NULL;
  MarRecordContext at30 = rw_context (w, 30, w->nurse, NULL);
  MarRecordContext at40 = rw_context (w, 40, w->nurse, NULL);
  gint64 bolus_seq;

  g_assert_true (mar_record_give_bolus (w->record, &at30, nacl->id, 100, NULL, &error));
  after = mar_record_get_infusion (w->record, nacl->id, &error);
  bolus_seq = after->updated_seq;
  assert_ml (intake (w, rw_at (w, 0), rw_at (w, 60)), 175);
  g_assert_cmpint (mar_record_correct (w->record, &at40, bolus_seq, "wrong-volume", NULL, &error), >, 0);
  g_assert_no_error (error);
  assert_ml (intake (w, rw_at (w, 0), rw_at (w, 60)), 75);
}

/* The stop's volume: the estimate confirmed, or the pump's; no more than
 * the bag holds. */
static void
test_stop_volume (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarInfusion) nacl = rw_start_nacl (w, RW_NACL_S01, 0, 75);
  g_autoptr(MarInfusion) after = NULL;
  g_autoptr(GError) error = NULL;
  MarRecordContext at60 = rw_context (w, 60, w->nurse, NULL);
  double too_much = 1200, pump = 70;

  g_assert_false (mar_record_stop (w->record, &at60, nacl->id, &too_much, "line-change", NULL, &error));
  g_assert_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (mar_record_stop (w->record, &at60, nacl->id, &pump, NULL, NULL, &error));
  g_assert_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (mar_record_stop (w->record, &at60, nacl->id, &pump, "line-change", NULL, &error));
  g_assert_no_error (error);
  after = mar_record_get_infusion (w->record, nacl->id, &error);
  assert_ml (g_array_index (after->volume_checks, MarVolumeCheck, 0).estimated_ml, 75);
  assert_ml (g_array_index (after->volume_checks, MarVolumeCheck, 0).confirmed_ml, 70);
  assert_ml (mar_infusion_get_volume_at (after, rw_at (w, 600)), 70);
}

/* Projections -------------------------------------------------------------------- */

static void
document_a_shift (RecordWard *w)
{
  g_autoptr(MarInfusion) nacl = rw_start_nacl (w, RW_NACL_S01, 0, 75);
  g_autoptr(MarInfusion) heparin = rw_start_heparin (w, 5, 12.96, NULL, 0);
  g_autoptr(MarInfusion) rate = NULL;
  g_autoptr(GError) error = NULL;
  MarRecordContext at30 = rw_context (w, 30, w->nurse, NULL);
  MarRecordContext at60 = rw_context (w, 60, w->nurse, NULL);
  MarRecordContext at90 = rw_context (w, 90, w->nurse, NULL);
  MarOverride mismatch = { "RATE_MISMATCH", "provider-order", NULL };
  MarReactionRequest reaction = { .kind = "nausea", .severity = "moderate" };
  MarSiteCheckRequest site = { .site = "left forearm" };

  at30.overrides = &mismatch;
  at30.n_overrides = 1;
  g_assert_true (mar_record_change_rate (w->record, &at30, nacl->id, 100, "provider-order", NULL, NULL, &error));
  g_assert_true (mar_record_pause (w->record, &at60, nacl->id, "occlusion", NULL, &error));
  g_assert_cmpint (mar_record_add_reaction (w->record, &at60, heparin->id, &reaction, &error), >, 0);
  g_assert_cmpint (mar_record_add_site_check (w->record, &at60, heparin->id, &site, &error), >, 0);
  g_assert_true (mar_record_resume (w->record, &at90, nacl->id, NULL, &error));
  rate = mar_record_get_infusion (w->record, nacl->id, &error);
  g_assert_true (mar_record_complete (w->record, &at90, nacl->id, NULL, NULL, &error));
  g_assert_no_error (error);
}

/* The projections are what the entries say: rebuilt from them, they come
 * out the same; damaged, the rebuild tells and repairs. */
static void
test_rebuild (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  document_a_shift (w);
  g_assert_true (mar_record_rebuild (w->record, FALSE, &before, &after, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (before, ==, after);

  /* Someone edits the projection behind the record's back. */
  record_ward_reopen (w);
  test_database_exec (w->db, "UPDATE infusions SET state = 'completed' WHERE id = 2");
  test_database_exec (w->db, "DELETE FROM infusion_segments WHERE infusion_id = 1 AND n = 1");
  g_clear_pointer (&before, g_free);
  g_clear_pointer (&after, g_free);
  g_assert_true (mar_record_rebuild (w->record, TRUE, &before, &after, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (before, !=, after);

  g_clear_pointer (&before, g_free);
  g_clear_pointer (&after, g_free);
  g_assert_true (mar_record_rebuild (w->record, FALSE, &before, &after, &error));
  g_assert_cmpstr (before, ==, after);
  {
    g_autoptr(MarInfusion) heparin = mar_record_get_infusion (w->record, 2, &error);
    g_assert_cmpint (heparin->state, ==, MAR_INFUSION_INFUSING);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  ny = g_time_zone_new_identifier ("America/New_York");

  g_test_add_func ("/core/record/volume/rate-times-time", test_volume_rate_times_time);
  g_test_add_func ("/core/record/volume/midnight", test_volume_midnight);
  g_test_add_func ("/core/record/volume/dst-spring", test_volume_dst_spring);
  g_test_add_func ("/core/record/volume/dst-fall", test_volume_dst_fall);
  g_test_add_func ("/core/record/volume/rate-zero-and-pauses", test_volume_rate_zero_and_pauses);
  g_test_add_func ("/core/record/volume/boluses", test_volume_boluses);
  g_test_add_func ("/core/record/volume/cap", test_volume_cap);
  g_test_add_func ("/core/record/volume/confirmed", test_volume_confirmed);
  g_test_add_func ("/core/record/intake/dst-fall", test_intake_dst_fall);
  g_test_add_func ("/core/record/intake/dst-spring", test_intake_dst_spring);
  g_test_add_func ("/core/record/intake/bags-pauses-boluses-late", test_intake_bags_pauses_boluses_late);
  g_test_add_func ("/core/record/intake/correction", test_intake_correction);
  g_test_add_func ("/core/record/volume/stop", test_stop_volume);
  g_test_add_func ("/core/record/projection/rebuild", test_rebuild);

  {
    int status = g_test_run ();
    g_time_zone_unref (ny);
    return status;
  }
}
