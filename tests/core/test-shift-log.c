/* test-shift-log.c — shifts, the shift log's events and flags, IV intake, review and sign-off
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 4 part 9 and issue 8 (docs/shift-log.md). The demo ward (4 West,
 * New York) at its anchor, 2026-01-15 10:00; shifts are built with the
 * record's API, so every row is what the record writes.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "mar-audit.h"
#include "mar-outbox.h"
#include "mar-shift-log.h"
#include "mar-time.h"
#include "record-test-util.h"
#include "store-test-util.h"

/* Helpers ---------------------------------------------------------------------- */

static void
day_shift (RecordWard *w,
           const char *date,
           const char *name,
           MarShift   *shift)
{
  g_autoptr(MarShiftPlan) plan = mar_shift_plan_new_default ();
  g_autoptr(GError) error = NULL;

  g_assert_true (mar_shift_plan_resolve (plan, w->tz, name, date, shift, &error));
  g_assert_no_error (error);
}

static MarShiftLog *
load (RecordWard *w,
      const char *unit,
      const char *date,
      const char *name,
      double      minutes)
{
  g_auto(MarShift) shift = { 0 };
  g_autoptr(GError) error = NULL;
  MarShiftLog *log;

  day_shift (w, date, name, &shift);
  log = mar_shift_log_load (w->store, mar_verifier_get_library (w->verifier), w->tz, unit, &shift,
                            rw_at (w, minutes), &error);
  g_assert_no_error (error);
  g_assert_nonnull (log);
  return log;
}

static MarShiftLogEvent *
event_at (MarShiftLog *log,
          guint        i)
{
  MarShiftLogEvent *event = g_list_model_get_item (G_LIST_MODEL (log), i);

  /* The model keeps its own reference. */
  g_object_unref (event);
  return event;
}

static MarShiftLogEvent *
find_entry (MarShiftLog *log,
            gint64       seq)
{
  g_autofree char *key = g_strdup_printf ("entry:%" G_GINT64_FORMAT, seq);

  return mar_shift_log_lookup_event (log, key);
}

static MarShiftLogEvent *
entry_event (MarShiftLog *log,
             gint64       seq)
{
  g_autofree char *key = g_strdup_printf ("entry:%" G_GINT64_FORMAT, seq);
  MarShiftLogEvent *event = mar_shift_log_lookup_event (log, key);

  g_assert_nonnull (event);
  return event;
}

static guint
count_flag (MarShiftLog   *log,
            MarShiftFlags  flag)
{
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (log)); i++)
    if (mar_shift_log_event_get_flags (event_at (log, i)) & flag)
      n++;
  return n;
}

static const MarShiftPatient *
find_patient (MarShiftLog *log,
              const char  *id)
{
  GPtrArray *patients = mar_shift_log_get_patients (log);

  for (guint i = 0; i < patients->len; i++)
    if (g_str_equal (((MarShiftPatient *) g_ptr_array_index (patients, i))->patient_id, id))
      return g_ptr_array_index (patients, i);
  return NULL;
}

static const MarShiftPatient *
patient_of (MarShiftLog *log,
            const char  *id)
{
  const MarShiftPatient *patient = find_patient (log, id);

  if (patient == NULL)
    g_error ("patient %s is not in the log", id);
  return patient;
}

static const MarShiftBag *
bag_of (MarShiftLog *log,
        gint64       id)
{
  GPtrArray *bags = mar_shift_log_get_bags (log);

  for (guint i = 0; i < bags->len; i++)
    if (((MarShiftBag *) g_ptr_array_index (bags, i))->infusion->id == id)
      return g_ptr_array_index (bags, i);
  g_error ("bag %" G_GINT64_FORMAT " is not in the log", id);
}

static MarInfusion *
start_nacl_at (RecordWard *w,
               const char *serial,
               double      minutes,
               double      rate)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarRecordCheck) check = NULL;
  g_autofree char *product_text = g_strdup_printf ("(01)00614141100101(17)301231(10)NS6021(21)%s", serial);
  g_autoptr(MarScanResult) patient = rw_scan (w, RW_BED1, FALSE);
  g_autoptr(MarScanResult) product = rw_scan (w, product_text, FALSE);
  MarRecordContext context = rw_context (w, minutes, w->nurse, NULL);
  MarStartRequest request = { .patient_scan = patient, .product_scan = product, .rate_ml_per_h = rate };
  MarOverride mismatch = { "RATE_MISMATCH", "provider-order", NULL };
  MarInfusion *bag;

  if (rate != 75)
    {
      context.overrides = &mismatch;
      context.n_overrides = 1;
    }
  bag = mar_record_start (w->record, &context, &request, &check, &error);
  g_assert_no_error (error);
  return bag;
}

/* An administration another terminal charted (what sync pulls). */
static void
add_pulled (RecordWard *w,
            const char *id,
            const char *patient_id,
            const char *source,
            const char *status,
            double      start_minutes,
            double      end_minutes,
            double      volume_ml)
{
  g_autoptr(MarAdministration) a = mar_administration_new ();
  g_autoptr(GError) error = NULL;
  MarResourceInfo info = { MAR_TIME_UNSET, NULL };

  a->id = g_strdup (id);
  a->version = g_strdup ("1");
  a->source = g_strdup (source);
  a->patient_id = g_strdup (patient_id);
  a->status = g_strdup (status);
  a->start = rw_at (w, start_minutes);
  a->end = end_minutes == 0 ? MAR_TIME_UNSET : rw_at (w, end_minutes);
  a->due_time = MAR_TIME_UNSET;
  a->performer_id = g_strdup ("prac-n1003");
  if (volume_ml > 0)
    mar_quantity_set (&a->dose, volume_ml, "mL");
  g_assert_true (mar_store_upsert_administration (w->store, a, &info, NULL, &error));
  g_assert_no_error (error);
}

/* Shifts ------------------------------------------------------------------------ */

/* Default plan: 07:00–19:00 day, 19:00–07:00 night, half-open. */
static void
test_shift_default (void)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("America/New_York");
  g_autoptr(MarShiftPlan) plan = mar_shift_plan_new_default ();
  g_auto(MarShift) day = { 0 };
  g_auto(MarShift) night = { 0 };
  g_auto(MarShift) found = { 0 };
  g_auto(MarShift) before = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *label = NULL;

  g_assert_cmpuint (mar_shift_plan_get_n_shifts (plan), ==, 2);
  g_assert_true (mar_shift_plan_resolve (plan, tz, "day", "2026-01-15", &day, &error));
  g_assert_cmpint (day.start, ==, mar_time_from_local (tz, 2026, 1, 15, 7, 0, 0));
  g_assert_cmpint (day.end, ==, mar_time_from_local (tz, 2026, 1, 15, 19, 0, 0));
  g_assert_true (mar_shift_plan_resolve (plan, tz, "night", "2026-01-15", &night, &error));
  g_assert_cmpint (night.start, ==, day.end);
  g_assert_cmpint (night.end, ==, mar_time_from_local (tz, 2026, 1, 16, 7, 0, 0));

  /* 07:00:00 belongs to the day shift; 06:59:59 to the night before. */
  mar_shift_plan_find (plan, tz, day.start, &found);
  g_assert_cmpstr (found.name, ==, "day");
  g_assert_cmpint (found.start, ==, day.start);
  mar_shift_plan_find (plan, tz, day.start - 1, &before);
  g_assert_cmpstr (before.name, ==, "night");
  g_assert_cmpint (before.day, ==, 14);
  g_assert_cmpint (before.end, ==, day.start);

  label = mar_shift_dup_label (&day, tz);
  g_assert_cmpstr (label, ==, "Day shift, Thursday 15 January 2026, 07:00–19:00");

  mar_shift_clear (&found);
  g_assert_false (mar_shift_plan_resolve (plan, tz, "evening", "2026-01-15", &found, &error));
  g_assert_error (error, MAR_SHIFT_ERROR, MAR_SHIFT_ERROR_UNKNOWN_SHIFT);
  g_clear_error (&error);
  g_assert_false (mar_shift_plan_resolve (plan, tz, "day", "2026-02-30", &found, &error));
  g_assert_error (error, MAR_SHIFT_ERROR, MAR_SHIFT_ERROR_INVALID_DATE);
}

/* DST nights: 8 March 2026 springs forward (11 h), 1 November falls back
 * (13 h); the next day shift starts where the night ends. */
static void
test_shift_dst_nights (void)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("America/New_York");
  g_autoptr(MarShiftPlan) plan = mar_shift_plan_new_default ();
  g_auto(MarShift) spring = { 0 };
  g_auto(MarShift) fall = { 0 };
  g_auto(MarShift) next = { 0 };
  g_auto(MarShift) previous = { 0 };
  g_autofree char *label = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (mar_shift_plan_resolve (plan, tz, "night", "2026-03-07", &spring, &error));
  g_assert_cmpint (spring.end - spring.start, ==, 11 * 3600);
  g_assert_true (mar_shift_spans_offset_change (&spring, tz));
  label = mar_shift_dup_label (&spring, tz);
  g_assert_cmpstr (label, ==, "Night shift, Saturday 7 March 2026, 19:00 EST – 07:00 EDT (11 h)");

  g_assert_true (mar_shift_plan_resolve (plan, tz, "night", "2026-10-31", &fall, &error));
  g_assert_cmpint (fall.end - fall.start, ==, 13 * 3600);
  mar_shift_plan_step (plan, tz, &fall, 1, &next);
  g_assert_cmpstr (next.name, ==, "day");
  g_assert_cmpint (next.day, ==, 1);
  g_assert_cmpint (next.start, ==, fall.end);
  g_assert_cmpint (next.end - next.start, ==, 12 * 3600);
  mar_shift_plan_step (plan, tz, &next, -1, &previous);
  g_assert_cmpint (previous.start, ==, fall.start);

  /* 01:30 happens twice that night: both instants are in the one shift. */
  {
    g_auto(MarShift) first = { 0 };
    g_auto(MarShift) second = { 0 };
    gint64 t = mar_time_from_local (tz, 2026, 11, 1, 1, 30, 0);

    mar_shift_plan_find (plan, tz, t, &first);
    mar_shift_plan_find (plan, tz, t + 3600, &second);
    g_assert_cmpint (first.start, ==, fall.start);
    g_assert_cmpint (second.start, ==, fall.start);
  }
}

/* [shifts] and [shifts:<unit>]: three 8-hour shifts; malformed plans are
 * refused with a message naming the group. */
static void
test_shift_config (void)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("America/New_York");
  g_autoptr(MarConfig) config = mar_config_new_default ();
  g_autoptr(MarShiftPlan) plan = NULL;
  g_autoptr(MarShiftPlan) unit_plan = NULL;
  g_auto(MarShift) night = { 0 };
  g_autoptr(GError) error = NULL;
  static const struct { const char *names; const char *a; const char *b; } bad[] = {
    { "a;b", "07:00-15:00", "16:00-07:00" },   /* a gap */
    { "a;b", "07:00-20:00", "19:00-07:00" },   /* an overlap */
    { "a;b", "07:00-19:00", "19:00-06:00" },   /* not the whole day */
    { "a;b", "7-19", "19:00-07:00" },          /* not HH:MM */
    { "a;a", "07:00-19:00", "19:00-07:00" },   /* twice */
    { "Day;b", "07:00-19:00", "19:00-07:00" }, /* not a name */
  };

  mar_config_set_string (config, "shifts", "names", "early; late; night");
  mar_config_set_string (config, "shifts", "early", "07:00-15:00");
  mar_config_set_string (config, "shifts", "late", "15:00-23:00");
  mar_config_set_string (config, "shifts", "night", "23:00-07:00");
  mar_config_set_string (config, "shifts:loc-icu", "names", "all");
  mar_config_set_string (config, "shifts:loc-icu", "all", "08:00-08:00");

  plan = mar_shift_plan_new_from_config (config, "loc-4w", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mar_shift_plan_get_n_shifts (plan), ==, 3);
  g_assert_cmpstr (mar_shift_plan_get_shift (plan, 1)->name, ==, "late");
  g_assert_true (mar_shift_plan_resolve (plan, tz, "night", "2026-01-15", &night, &error));
  g_assert_cmpint (night.start, ==, mar_time_from_local (tz, 2026, 1, 15, 23, 0, 0));
  g_assert_cmpint (night.end - night.start, ==, 8 * 3600);

  unit_plan = mar_shift_plan_new_from_config (config, "loc-icu", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mar_shift_plan_get_n_shifts (unit_plan), ==, 1);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(MarConfig) c = mar_config_new_default ();
      g_autoptr(MarShiftPlan) p = NULL;
      g_auto(GStrv) names = g_strsplit (bad[i].names, ";", 2);

      mar_config_set_string (c, "shifts", "names", bad[i].names);
      mar_config_set_string (c, "shifts", names[0], bad[i].a);
      mar_config_set_string (c, "shifts", names[1], bad[i].b);
      p = mar_shift_plan_new_from_config (c, NULL, &error);
      g_assert_null (p);
      g_assert_error (error, MAR_SHIFT_ERROR, MAR_SHIFT_ERROR_INVALID_PLAN);
      g_assert_nonnull (strstr (error->message, "[shifts]"));
      g_clear_error (&error);
    }
}

/* Events ------------------------------------------------------------------------- */

static gint64
seq_of_action (RecordWard *w,
               const char *kind,
               gint64      infusion)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarStmt) stmt = mar_store_prepare (w->store,
    "SELECT max (seq) FROM record_entries WHERE kind = ?1 AND infusion_id = ?2", &error);

  g_assert_no_error (error);
  sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, infusion);
  g_assert_cmpint (mar_store_step (w->store, stmt, &error), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static void
mark_entry_synced (RecordWard *w,
                   gint64      seq)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) outbox = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  {
    g_autoptr(MarStmt) stmt = mar_store_prepare (w->store,
      "SELECT outbox_seq FROM record_entry_outbox WHERE entry_seq = ?1", &error);

    g_assert_no_error (error);
    sqlite3_bind_int64 (stmt, 1, seq);
    while ((rc = mar_store_step (w->store, stmt, &error)) == SQLITE_ROW)
      {
        gint64 o = sqlite3_column_int64 (stmt, 0);
        g_array_append_val (outbox, o);
      }
    g_assert_cmpint (rc, ==, SQLITE_DONE);
  }
  g_assert_cmpuint (outbox->len, >, 0);
  for (guint i = 0; i < outbox->len; i++)
    {
      g_autofree char *id = g_strdup_printf ("srv-%u", i);

      g_assert_true (mar_outbox_mark_sent (w->store, g_array_index (outbox, gint64, i), id, "1",
                                           rw_at (w, 1), &error));
      g_assert_no_error (error);
    }
}

/* What the shift in test_events_record documents. */
typedef struct
{
  gint64 nacl;
  gint64 meropenem;
  gint64 site_check;
  gint64 correction;
} Documented;

static void
document_shift (RecordWard *w,
                Documented *d)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarInfusion) nacl = rw_start_nacl (w, RW_NACL_S01, 0, 75);
  g_autoptr(MarRecordCheck) check = NULL;
  double pump = 200;

  d->nacl = nacl->id;

  /* 10:05, bed 4W-10: the wristband is damaged (picked by hand, name and
   * birth date confirmed), and the 08:30 dose is 95 minutes late. */
  {
    g_autoptr(MarSignature) nurse2 = rw_sign_in (w, "N1002", rw_at (w, 5));
    g_autoptr(MarScanResult) patient = rw_scan (w, "74121248", TRUE);
    g_autoptr(MarScanResult) product = rw_scan (w, "(01)00614141205103(17)301231(10)MP3318(21)S38", FALSE);
    MarRecordContext context = rw_context (w, 5, nurse2, NULL);
    MarOverride late = { "TIME_LATE", "patient-off-unit", "back from CT" };
    MarUnableToScan unable = {
      .patient_reason = "damaged-wristband",
      .confirmed_name = "Kettleby, Hiroshi",
      .confirmed_birth_date = "1960-05-16",
    };
    MarStartRequest request = {
      .patient_scan = patient, .product_scan = product, .rate_ml_per_h = 100, .unable_to_scan = &unable,
    };
    g_autoptr(MarInfusion) bag = NULL;

    context.overrides = &late;
    context.n_overrides = 1;
    bag = mar_record_start (w->record, &context, &request, &check, &error);
    g_assert_no_error (error);
    d->meropenem = bag->id;
  }

  {
    MarRecordContext context = rw_context (w, 30, w->nurse, NULL);
    MarOverride mismatch = { "RATE_MISMATCH", "provider-order", NULL };

    context.overrides = &mismatch;
    context.n_overrides = 1;
    g_assert_true (mar_record_change_rate (w->record, &context, d->nacl, 100, "provider-order", NULL, NULL, &error));
    g_assert_no_error (error);
  }
  {
    MarRecordContext pause = rw_context (w, 60, w->nurse, NULL);
    MarRecordContext resume = rw_context (w, 75, w->nurse, NULL);

    g_assert_true (mar_record_pause (w->record, &pause, d->nacl, "patient-care", NULL, &error));
    g_assert_true (mar_record_resume (w->record, &resume, d->nacl, NULL, &error));
    g_assert_no_error (error);
  }
  {
    MarRecordContext context = rw_context (w, 80, w->nurse, NULL);
    const char *actions[] = { "slowed", "provider-notified", NULL };
    MarReactionRequest request = { .kind = "fever", .severity = "moderate", .actions = actions };

    g_assert_cmpint (mar_record_add_reaction (w->record, &context, d->nacl, &request, &error), >, 0);
    g_assert_no_error (error);
  }
  {
    /* 11:30, documented at 12:05: late documentation. */
    MarRecordContext context = rw_context (w, 125, w->nurse, NULL);
    const char *findings[] = { "redness", NULL };
    MarSiteCheckRequest request = { .findings = findings, .severity = "mild" };

    context.at = rw_at (w, 90);
    d->site_check = mar_record_add_site_check (w->record, &context, d->nacl, &request, &error);
    g_assert_no_error (error);
  }
  {
    /* The charge nurse marks the site check entered in error. */
    g_autoptr(MarSignature) charge = rw_sign_in (w, "C2001", rw_at (w, 130));
    MarRecordContext context = rw_context (w, 130, charge, NULL);

    d->correction = mar_record_correct (w->record, &context, d->site_check, "duplicate", NULL, &error);
    g_assert_no_error (error);
  }
  {
    MarRecordContext context = rw_context (w, 180, w->nurse, NULL);

    g_assert_true (mar_record_stop (w->record, &context, d->nacl, &pump, "line-change", NULL, &error));
    g_assert_no_error (error);
  }
  /* The start reached the server; everything after it has not yet. */
  mark_entry_synced (w, seq_of_action (w, "infusion-started", d->nacl));
}

typedef struct
{
  const char    *action;
  double         minutes;
  const char    *bed;
  const char    *nurse;
  double         rate;
  double         volume;
  MarShiftFlags  flags;
  const char    *detail;   /* a part of the detail */
} Expected;

/* Every row the record wrote, and every flag: overrides, a reaction, a
 * late dose, unable to scan and keyed, late documentation, entered in
 * error, not yet synced. */
static void
test_events_record (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarShiftLog) log = NULL;
  Documented d;
  const MarShiftFlags U = MAR_SHIFT_FLAG_UNSYNCED;
  const char *grace = "Grace Adeyemi-Holt";
  const Expected expected[] = {
    { "infusion-started", 0, "4W-01", grace, 75, NAN, 0, NULL },
    { "infusion-started", 5, "4W-10", "Mateo Villanueva-Crane", 100, NAN,
      MAR_SHIFT_FLAG_LATE | MAR_SHIFT_FLAG_OVERRIDE | MAR_SHIFT_FLAG_UNABLE_TO_SCAN | MAR_SHIFT_FLAG_KEYED | U,
      "override TIME_LATE: Patient was off the unit — back from CT" },
    { "rate-changed", 30, "4W-01", grace, 100, NAN, MAR_SHIFT_FLAG_OVERRIDE | U, "was 75 mL/h" },
    { "paused", 60, "4W-01", grace, NAN, NAN, U, "Patient care (moving, bathing, procedure)" },
    { "resumed", 75, "4W-01", grace, 100, NAN, U, NULL },
    { "reaction", 80, "4W-01", grace, NAN, NAN, MAR_SHIFT_FLAG_REACTION | U, "Fever, Moderate" },
    { "site-check", 90, "4W-01", grace, NAN, NAN,
      MAR_SHIFT_FLAG_REACTION | MAR_SHIFT_FLAG_LATE_ENTRY | MAR_SHIFT_FLAG_ENTERED_IN_ERROR | U,
      "documented 35 min after the fact, at 12:05" },
    { "correction", 130, "4W-01", "Beatrice Nakamura-Olsen", NAN, NAN, U, "entered in error" },
    { "stopped", 180, "4W-01", grace, NAN, 200, U, "volume from the pump" },
  };
  guint seen = 0;

  document_shift (w, &d);
  log = load (w, "loc-4w", "2026-01-15", "day", 240);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (log)); i++)
    {
      MarShiftLogEvent *e = event_at (log, i);
      const Expected *x;

      if (mar_shift_log_event_get_kind (e) != MAR_SHIFT_EVENT_RECORD)
        continue;
      g_assert_cmpuint (seen, <, G_N_ELEMENTS (expected));
      x = &expected[seen++];
      g_test_message ("%s %s: %s [%s]", mar_shift_log_event_get_time_text (e), mar_shift_log_event_get_action (e),
                      mar_shift_log_event_get_detail (e), mar_shift_log_event_get_flags_text (e));
      g_assert_cmpstr (mar_shift_log_event_get_action (e), ==, x->action);
      g_assert_cmpint (mar_shift_log_event_get_time (e), ==, rw_at (w, x->minutes));
      g_assert_cmpstr (mar_shift_log_event_get_bed (e), ==, x->bed);
      g_assert_cmpstr (mar_shift_log_event_get_nurse (e), ==, x->nurse);
      g_assert_cmpstr (mar_shift_log_event_get_source (e), ==, "local");
      if (isnan (x->rate))
        g_assert_true (isnan (mar_shift_log_event_get_rate (e)));
      else
        g_assert_cmpfloat_with_epsilon (mar_shift_log_event_get_rate (e), x->rate, 1e-9);
      if (isnan (x->volume))
        g_assert_true (isnan (mar_shift_log_event_get_volume (e)));
      else
        g_assert_cmpfloat_with_epsilon (mar_shift_log_event_get_volume (e), x->volume, 1e-9);
      g_assert_cmphex (mar_shift_log_event_get_flags (e), ==, x->flags);
      if (x->detail != NULL)
        g_assert_nonnull (strstr (mar_shift_log_event_get_detail (e), x->detail));
      g_assert_cmpint (mar_shift_log_event_get_entry (e), >, 0);
    }
  g_assert_cmpuint (seen, ==, G_N_ELEMENTS (expected));

  {
    MarShiftLogEvent *nacl = entry_event (log, seq_of_action (w, "infusion-started", d.nacl));
    MarShiftLogEvent *meropenem = entry_event (log, seq_of_action (w, "infusion-started", d.meropenem));

    g_assert_cmpstr (mar_shift_log_event_get_patient (nacl), ==, "OKONKWO-FAIRWEATHER, Amara");
    g_assert_cmpstr (mar_shift_log_event_get_mrn (nacl), ==, "74120318");
    g_assert_cmpstr (mar_shift_log_event_get_rate_text (nacl), ==, "75 mL/h");
    g_assert_cmpstr (mar_shift_log_event_get_action_label (nacl), ==, "Started");
    g_assert_cmpint (mar_shift_log_event_get_late_minutes (meropenem), ==, 95);
    g_assert_nonnull (strstr (mar_shift_log_event_get_detail (meropenem), "unable to scan wristband: Wristband damaged or unreadable"));
    g_assert_nonnull (strstr (mar_shift_log_event_get_detail (meropenem), "wristband keyed by hand"));
    g_assert_cmpstr (mar_shift_log_event_get_flags_text (meropenem), ==,
                     "Override, Late dose, Unable to scan, Keyed entry, Not yet synced");
    g_assert_cmpint (mar_shift_log_event_get_recorded_at (entry_event (log, d.site_check)), ==, rw_at (w, 125));
  }
}

static MarShiftLogEvent *
missed_for (MarShiftLog *log,
            const char  *order_id)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (log)); i++)
    {
      MarShiftLogEvent *e = event_at (log, i);

      if (mar_shift_log_event_get_kind (e) == MAR_SHIFT_EVENT_MISSED &&
          g_strcmp0 (mar_shift_log_event_get_order_id (e), order_id) == 0)
        return e;
    }
  return NULL;
}

/* RULES.md, Time: a due time whose window closed uncharted while the next
 * one is nearer is a missed dose. Meropenem q8h for 4W-10 was due 08:30:
 * at 13:00 the 16:30 dose is nearer, so 08:30 is missed — unless it was
 * documented as refused (an omission with a reason, not a missed dose). */
static void
test_events_missed (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(RecordWard) refused = record_ward_new ();
  g_autoptr(MarShiftLog) log = NULL;
  g_autoptr(MarShiftLog) early = NULL;
  g_autoptr(MarShiftLog) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  MarShiftLogEvent *e;

  log = load (w, "loc-4w", "2026-01-15", "day", 180);
  e = missed_for (log, "mr-4w-10-meropenem");
  g_assert_nonnull (e);
  g_assert_cmpint (mar_shift_log_event_get_time (e), ==, mar_time_from_local (w->tz, 2026, 1, 15, 8, 30, 0));
  g_assert_cmpint (mar_shift_log_event_get_due_time (e), ==, mar_shift_log_event_get_time (e));
  g_assert_cmphex (mar_shift_log_event_get_flags (e), ==, MAR_SHIFT_FLAG_MISSED);
  g_assert_cmpstr (mar_shift_log_event_get_action (e), ==, "missed");
  g_assert_cmpstr (mar_shift_log_event_get_bed (e), ==, "4W-10");
  g_assert_null (mar_shift_log_event_get_nurse (e));
  key = g_strdup_printf ("missed:mr-4w-10-meropenem:%" G_GINT64_FORMAT, mar_shift_log_event_get_time (e));
  g_assert_cmpstr (mar_shift_log_event_get_key (e), ==, key);
  g_assert_nonnull (strstr (mar_shift_log_event_get_detail (e), "not charted within ±60 min"));
  g_assert_cmpuint (mar_shift_log_get_summary (log)->doses_missed, ==, count_flag (log, MAR_SHIFT_FLAG_MISSED));

  /* At 10:00 the 08:30 dose could still be given (late): not missed yet. */
  early = load (w, "loc-4w", "2026-01-15", "day", 0);
  g_assert_null (missed_for (early, "mr-4w-10-meropenem"));

  {
    g_autoptr(MarScanResult) patient = rw_scan (refused, "74121248", FALSE);
    MarRecordContext context = rw_context (refused, 0, refused->nurse, NULL);
    MarNotDoneRequest request = { .patient_scan = patient, .order_id = "mr-4w-10-meropenem" };
    g_autoptr(MarInfusion) bag = mar_record_document_not_done (refused->record, &context, MAR_INFUSION_ACTION_REFUSE,
                                                               0, "patient-declined", NULL, &request, &error);

    g_assert_no_error (error);
    g_assert_cmpint (bag->state, ==, MAR_INFUSION_REFUSED);
  }
  after = load (refused, "loc-4w", "2026-01-15", "day", 180);
  g_assert_null (missed_for (after, "mr-4w-10-meropenem"));
  g_assert_cmpuint (mar_shift_log_get_summary (after)->doses_not_given, ==, 1);
  g_assert_cmpuint (mar_shift_log_get_summary (after)->doses_missed + 1, ==,
                    mar_shift_log_get_summary (log)->doses_missed);
}

static void
add_other_unit (RecordWard *w)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarLocation) ward = mar_location_new ();
  g_autoptr(MarLocation) bed = mar_location_new ();
  g_autoptr(MarPatient) patient = mar_patient_new ();
  g_autoptr(MarEncounter) encounter = mar_encounter_new ();

  ward->id = g_strdup ("loc-5e");
  ward->name = g_strdup ("5 East — Oncology");
  ward->physical_type = g_strdup ("wa");
  bed->id = g_strdup ("loc-5e-01");
  bed->name = g_strdup ("5E-01");
  bed->part_of_id = g_strdup ("loc-5e");
  bed->physical_type = g_strdup ("bd");
  patient->id = g_strdup ("pt-5e-01");
  patient->mrn = g_strdup ("85000001");
  patient->family = g_strdup ("Farrowdale");
  patient->given = g_strdup ("Iris");
  patient->active = TRUE;
  encounter->id = g_strdup ("enc-5e-01");
  encounter->patient_id = g_strdup ("pt-5e-01");
  encounter->status = g_strdup ("in-progress");
  encounter->start = rw_at (w, -3 * 24 * 60);
  encounter->end = MAR_TIME_UNSET;
  encounter->location_id = g_strdup ("loc-5e-01");
  g_assert_true (mar_store_upsert_location (w->store, ward, NULL, NULL, &error));
  g_assert_true (mar_store_upsert_location (w->store, bed, NULL, NULL, &error));
  g_assert_true (mar_store_upsert_patient (w->store, patient, NULL, NULL, &error));
  g_assert_true (mar_store_upsert_encounter (w->store, encounter, NULL, NULL, &error));
  g_assert_no_error (error);
}

/* Administrations charted on other terminals are in the log, marked with
 * their source, and count in the patient's IV intake; another unit's
 * patients are not in this unit's log. */
static void
test_events_pulled (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarShiftLog) before = NULL;
  g_autoptr(MarShiftLog) log = NULL;
  g_autoptr(MarShiftLog) other = NULL;
  MarShiftLogEvent *start, *end, *removed;
  const MarShiftPatient *p_before, *p_after;

  before = load (w, "loc-4w", "2026-01-15", "day", 240);
  add_pulled (w, "ma-test-1", "pt-4w-05", "urn:bedside-mar:terminal:4W-CART-9", "completed", 60, 90, 100);
  add_pulled (w, "ma-test-2", "pt-4w-05", "urn:bedside-mar:terminal:4W-CART-9", "entered-in-error", 100, 0, 0);
  add_other_unit (w);
  add_pulled (w, "ma-test-5e", "pt-5e-01", "urn:bedside-mar:terminal:5E-CART-1", "completed", 60, 90, 250);
  log = load (w, "loc-4w", "2026-01-15", "day", 240);

  start = mar_shift_log_lookup_event (log, "administration:ma-test-1:start");
  end = mar_shift_log_lookup_event (log, "administration:ma-test-1:end");
  removed = mar_shift_log_lookup_event (log, "administration:ma-test-2:start");
  g_assert_nonnull (start);
  g_assert_nonnull (end);
  g_assert_nonnull (removed);
  g_assert_null (mar_shift_log_lookup_event (log, "administration:ma-test-5e:start"));
  g_assert_null (find_patient (log, "pt-5e-01"));

  g_assert_cmpint (mar_shift_log_event_get_kind (start), ==, MAR_SHIFT_EVENT_PULLED);
  g_assert_cmpstr (mar_shift_log_event_get_source (start), ==, "urn:bedside-mar:terminal:4W-CART-9");
  g_assert_cmpstr (mar_shift_log_event_get_action (start), ==, "infusion-started");
  g_assert_cmpstr (mar_shift_log_event_get_action (end), ==, "completed");
  g_assert_cmphex (mar_shift_log_event_get_flags (start), ==, MAR_SHIFT_FLAG_PULLED);
  g_assert_cmphex (mar_shift_log_event_get_flags (removed), ==,
                   MAR_SHIFT_FLAG_PULLED | MAR_SHIFT_FLAG_ENTERED_IN_ERROR);
  g_assert_cmpstr (mar_shift_log_event_get_nurse (start), ==, "Sunita Ramaswamy-Field");
  g_assert_cmpstr (mar_shift_log_event_get_bed (start), ==, "4W-05");
  g_assert_cmpint (mar_shift_log_event_get_time (end), ==, rw_at (w, 90));
  g_assert_cmpfloat_with_epsilon (mar_shift_log_event_get_volume (end), 100, 1e-9);
  g_assert_nonnull (strstr (mar_shift_log_event_get_detail (start), "charted on 4W-CART-9"));
  g_assert_cmpuint (mar_shift_log_get_summary (log)->pulled, ==, mar_shift_log_get_summary (before)->pulled + 3);

  p_before = patient_of (before, "pt-4w-05");
  p_after = patient_of (log, "pt-4w-05");
  g_assert_cmpfloat_with_epsilon (p_after->iv_intake_elsewhere_ml - p_before->iv_intake_elsewhere_ml, 100, 1e-6);
  g_assert_cmpfloat_with_epsilon (p_after->iv_intake_ml - p_before->iv_intake_ml, 100, 1e-6);

  /* The other unit's log, by its name. */
  other = load (w, "5 East — Oncology", "2026-01-15", "day", 240);
  g_assert_cmpstr (mar_shift_log_get_unit_id (other), ==, "loc-5e");
  g_assert_cmpuint (mar_shift_log_get_patients (other)->len, ==, 1);
  g_assert_nonnull (mar_shift_log_lookup_event (other, "administration:ma-test-5e:start"));
  g_assert_cmpstr (((MarShiftPatient *) g_ptr_array_index (mar_shift_log_get_patients (other), 0))->bed, ==, "5E-01");
}

/* A unit is named by its Location id or its name; an unknown or
 * ambiguous name is refused. */
static void
test_unit_resolve (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MarLocation) twin = mar_location_new ();
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;

  g_assert_true (mar_shift_log_resolve_unit (w->store, "4 West — Medical/Surgical", &id, &name, &error));
  g_assert_cmpstr (id, ==, "loc-4w");
  g_assert_false (mar_shift_log_resolve_unit (w->store, "9 North", NULL, NULL, &error));
  g_assert_error (error, MAR_SHIFT_LOG_ERROR, MAR_SHIFT_LOG_ERROR_UNKNOWN_UNIT);
  g_clear_error (&error);

  twin->id = g_strdup ("loc-4w-annex");
  twin->name = g_strdup ("4 West — Medical/Surgical");
  g_assert_true (mar_store_upsert_location (w->store, twin, NULL, NULL, &error));
  g_assert_false (mar_shift_log_resolve_unit (w->store, "4 West — Medical/Surgical", NULL, NULL, &error));
  g_assert_error (error, MAR_SHIFT_LOG_ERROR, MAR_SHIFT_LOG_ERROR_AMBIGUOUS_UNIT);
  g_clear_error (&error);
  g_assert_true (mar_shift_log_resolve_unit (w->store, "loc-4w", NULL, NULL, &error));
  g_assert_no_error (error);
}

/* IV intake ----------------------------------------------------------------------- */

static double
minutes_to (RecordWard *w,
            int         year,
            int         month,
            int         day,
            int         hour,
            int         minute)
{
  return (double) (mar_time_from_local (w->tz, year, month, day, hour, minute, 0) - w->anchor) / 60.0;
}

static double
local_intake (MarShiftLog *log,
              const char  *patient_id)
{
  const MarShiftPatient *p = patient_of (log, patient_id);

  return p->iv_intake_ml - p->iv_intake_elsewhere_ml;
}

static double
record_intake (RecordWard  *w,
               MarShiftLog *log)
{
  const MarShift *shift = mar_shift_log_get_shift (log);
  g_autoptr(GError) error = NULL;
  double ml;

  g_assert_true (mar_record_get_iv_intake (w->record, "pt-4w-01", shift->start, shift->end, &ml, &error));
  g_assert_no_error (error);
  return ml;
}

/* A bag running across 07:00 counts in both shifts: 40 mL/h from 10:00 on
 * the 15th, a 50 mL bolus at 07:00 on the 16th (the day shift's: periods
 * are half-open), stopped at 08:00. */
static void
test_intake_shift_boundary (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarInfusion) bag = start_nacl_at (w, "S01", 0, 40);
  g_autoptr(MarShiftLog) day = NULL;
  g_autoptr(MarShiftLog) night = NULL;
  g_autoptr(MarShiftLog) next = NULL;
  g_autoptr(GError) error = NULL;
  double bolus_at = minutes_to (w, 2026, 1, 16, 7, 0);

  {
    MarRecordContext context = rw_context (w, bolus_at, w->nurse, NULL);

    g_assert_true (mar_record_give_bolus (w->record, &context, bag->id, 50, NULL, &error));
    g_assert_no_error (error);
  }
  {
    MarRecordContext context = rw_context (w, minutes_to (w, 2026, 1, 16, 8, 0), w->nurse, NULL);

    g_assert_true (mar_record_stop (w->record, &context, bag->id, NULL, "line-change", NULL, &error));
    g_assert_no_error (error);
  }
  day = load (w, "loc-4w", "2026-01-15", "day", bolus_at + 300);
  night = load (w, "loc-4w", "2026-01-15", "night", bolus_at + 300);
  next = load (w, "loc-4w", "2026-01-16", "day", bolus_at + 300);

  g_assert_cmpfloat_with_epsilon (bag_of (day, bag->id)->volume_in_shift_ml, 360, 1e-6);
  g_assert_cmpfloat_with_epsilon (bag_of (night, bag->id)->volume_in_shift_ml, 480, 1e-6);
  g_assert_cmpfloat_with_epsilon (bag_of (next, bag->id)->volume_in_shift_ml, 90, 1e-6);
  g_assert_cmpfloat_with_epsilon (bag_of (night, bag->id)->volume_by_end_ml, 840, 1e-6);
  g_assert_cmpfloat_with_epsilon (bag_of (next, bag->id)->volume_by_end_ml, 930, 1e-6);
  g_assert_cmpint (bag_of (day, bag->id)->state_at_end, ==, MAR_INFUSION_INFUSING);
  g_assert_cmpfloat_with_epsilon (bag_of (day, bag->id)->rate_at_end_ml_h, 40, 1e-9);
  g_assert_cmpint (bag_of (night, bag->id)->state_at_end, ==, MAR_INFUSION_INFUSING);
  g_assert_cmpint (bag_of (next, bag->id)->state_at_end, ==, MAR_INFUSION_STOPPED);

  /* The patient's intake is the record's (mar_record_get_iv_intake). */
  g_assert_cmpfloat_with_epsilon (local_intake (day, "pt-4w-01"), 360, 1e-6);
  g_assert_cmpfloat_with_epsilon (local_intake (night, "pt-4w-01"), record_intake (w, night), 1e-6);
  g_assert_cmpfloat_with_epsilon (local_intake (next, "pt-4w-01"), record_intake (w, next), 1e-6);
  g_assert_cmpfloat_with_epsilon (local_intake (next, "pt-4w-01"), 90, 1e-6);

  /* The bolus is in the day shift's log at 07:00, not the night's. */
  g_assert_nonnull (find_entry (next, seq_of_action (w, "bolus-given", bag->id)));
  g_assert_null (find_entry (night, seq_of_action (w, "bolus-given", bag->id)));
}

/* DST nights: 50 mL/h through the 11-hour night of 7 March 2026 gives
 * 550 mL in it; through the 13-hour night of 31 October, paused from
 * 01:30 EDT to 01:30 EST (one hour), 600 mL. Times on those nights carry
 * their zone. */
static void
test_intake_dst_nights (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarInfusion) spring = start_nacl_at (w, "S01", minutes_to (w, 2026, 3, 7, 18, 0), 50);
  g_autoptr(MarInfusion) fall = NULL;
  g_autoptr(MarShiftLog) spring_night = NULL;
  g_autoptr(MarShiftLog) fall_night = NULL;
  g_autoptr(MarShiftLog) fall_day = NULL;
  g_autoptr(GError) error = NULL;
  gint64 first_0130 = mar_time_from_local (w->tz, 2026, 11, 1, 1, 30, 0);
  double later = minutes_to (w, 2026, 11, 2, 12, 0);

  {
    MarRecordContext context = rw_context (w, minutes_to (w, 2026, 3, 8, 8, 0), w->nurse, NULL);

    g_assert_true (mar_record_complete (w->record, &context, spring->id, NULL, NULL, &error));
    g_assert_no_error (error);
  }
  fall = start_nacl_at (w, "S01B", minutes_to (w, 2026, 10, 31, 18, 0), 50);
  {
    MarRecordContext pause = rw_context (w, (double) (first_0130 - w->anchor) / 60, w->nurse, NULL);
    MarRecordContext resume = rw_context (w, (double) (first_0130 + 3600 - w->anchor) / 60, w->nurse, NULL);
    MarRecordContext complete = rw_context (w, minutes_to (w, 2026, 11, 1, 8, 0), w->nurse, NULL);

    g_assert_true (mar_record_pause (w->record, &pause, fall->id, "patient-care", NULL, &error));
    g_assert_true (mar_record_resume (w->record, &resume, fall->id, NULL, &error));
    g_assert_true (mar_record_complete (w->record, &complete, fall->id, NULL, NULL, &error));
    g_assert_no_error (error);
  }

  spring_night = load (w, "loc-4w", "2026-03-07", "night", later);
  g_assert_cmpint (mar_shift_log_get_shift (spring_night)->end - mar_shift_log_get_shift (spring_night)->start,
                   ==, 11 * 3600);
  g_assert_cmpfloat_with_epsilon (bag_of (spring_night, spring->id)->volume_in_shift_ml, 550, 1e-6);
  g_assert_cmpfloat_with_epsilon (local_intake (spring_night, "pt-4w-01"), 550, 1e-6);

  fall_night = load (w, "loc-4w", "2026-10-31", "night", later);
  fall_day = load (w, "loc-4w", "2026-11-01", "day", later);
  g_assert_cmpfloat_with_epsilon (bag_of (fall_night, fall->id)->volume_in_shift_ml, 600, 1e-6);
  g_assert_cmpfloat_with_epsilon (bag_of (fall_day, fall->id)->volume_in_shift_ml, 50, 1e-6);
  g_assert_cmpfloat_with_epsilon (local_intake (fall_night, "pt-4w-01"), record_intake (w, fall_night), 1e-6);
  g_assert_cmpstr (mar_shift_log_event_get_time_text (entry_event (fall_night, seq_of_action (w, "paused", fall->id))),
                   ==, "01:30 EDT");
  g_assert_cmpstr (mar_shift_log_event_get_time_text (entry_event (fall_night, seq_of_action (w, "resumed", fall->id))),
                   ==, "01:30 EST");
  /* An ordinary day's times carry no zone. */
  g_assert_cmpstr (mar_shift_log_event_get_time_text (entry_event (fall_day, seq_of_action (w, "completed", fall->id))),
                   ==, "08:00");
}

/* Review: sign-off and notes -------------------------------------------------------- */

static gint64
count_entries (RecordWard *w,
               const char *kind)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarStmt) stmt = mar_store_prepare (w->store,
    "SELECT count (*) FROM record_entries WHERE ?1 IS NULL OR kind = ?1", &error);

  g_assert_no_error (error);
  if (kind != NULL)
    sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_STATIC);
  g_assert_cmpint (mar_store_step (w->store, stmt, &error), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static void
assert_chain_intact (RecordWard *w)
{
  g_autoptr(GError) error = NULL;
  MarAuditReport report;

  g_assert_true (mar_audit_verify (w->store, NULL, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report.problem, ==, MAR_AUDIT_INTACT);
  mar_audit_report_clear (&report);
}

/* The charge nurse signs the shift off with badge and PIN: an entry of the
 * chain (which still verifies), shown as who and when; events documented
 * after it are flagged and the shift may be signed off again; a nurse, a
 * PIN given earlier, a shift not begun and a log that changed under the
 * reviewer are refused, leaving nothing. */
static void
test_sign_off (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarInfusion) bag = rw_start_nacl (w, RW_NACL_S01, 0, 75);
  g_autoptr(MarShiftLog) log = load (w, "loc-4w", "2026-01-15", "day", 60);
  g_autoptr(MarSignature) charge = rw_sign_in (w, "C2001", rw_at (w, 60));
  g_autoptr(MarSignature) nurse = rw_sign_in (w, "N1001", rw_at (w, 60));
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  const MarShiftSignOff *sign_off;
  const MarAuditEntry *entry;
  gint64 seq = 0, before;

  before = count_entries (w, NULL);
  g_assert_false (mar_shift_log_sign_off (log, w->store, nurse, rw_at (w, 60), &seq, &error));
  g_assert_error (error, MAR_SHIFT_LOG_ERROR, MAR_SHIFT_LOG_ERROR_NOT_ALLOWED);
  g_clear_error (&error);
  g_assert_false (mar_shift_log_sign_off (log, w->store, charge, rw_at (w, 70), &seq, &error));
  g_assert_error (error, MAR_SHIFT_LOG_ERROR, MAR_SHIFT_LOG_ERROR_NOT_ALLOWED);
  g_clear_error (&error);
  g_assert_cmpint (count_entries (w, NULL), ==, before);
  g_assert_null (mar_shift_log_get_sign_off (log));
  text = mar_shift_log_dup_sign_off_text (log);
  g_assert_cmpstr (text, ==, "Not signed off");
  g_clear_pointer (&text, g_free);

  g_assert_true (mar_shift_log_sign_off (log, w->store, charge, rw_at (w, 60), &seq, &error));
  g_assert_no_error (error);
  g_assert_cmpint (seq, ==, before + 1);
  sign_off = mar_shift_log_get_sign_off (log);
  g_assert_nonnull (sign_off);
  g_assert_cmpstr (sign_off->staff_name, ==, "Beatrice Nakamura-Olsen");
  g_assert_cmpint (sign_off->signed_at, ==, rw_at (w, 60));
  g_assert_cmpint (sign_off->events, ==, g_list_model_get_n_items (G_LIST_MODEL (log)));
  g_assert_cmpstr (sign_off->digest, ==, mar_shift_log_get_digest (log));
  g_assert_false (mar_shift_log_is_changed_since_sign_off (log));
  text = mar_shift_log_dup_sign_off_text (log);
  g_assert_cmpstr (text, ==, "Signed off by Beatrice Nakamura-Olsen at 2026-01-15 11:00 EST");

  entries = mar_audit_list_entries (w->store, seq, seq, &error);
  g_assert_no_error (error);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpstr (entry->kind, ==, "shift-signed-off");
  g_assert_cmpstr (entry->performer_id, ==, mar_signature_get_staff (charge)->id);
  g_assert_nonnull (strstr (entry->payload, "\"shift\":\"day\""));
  g_assert_nonnull (strstr (entry->payload, sign_off->digest));
  assert_chain_intact (w);

  /* Nothing changed: signed off already. */
  g_assert_false (mar_shift_log_sign_off (log, w->store, charge, rw_at (w, 60), NULL, &error));
  g_assert_error (error, MAR_SHIFT_LOG_ERROR, MAR_SHIFT_LOG_ERROR_ALREADY_SIGNED_OFF);
  g_clear_error (&error);

  /* Documented after the sign-off: flagged, and the shift may be signed
   * off again. */
  {
    MarRecordContext context = rw_context (w, 90, w->nurse, NULL);
    g_autoptr(MarSignature) again = rw_sign_in (w, "C2001", rw_at (w, 120));
    MarShiftLogEvent *pause;

    g_assert_true (mar_record_pause (w->record, &context, bag->id, "patient-care", NULL, &error));
    g_assert_no_error (error);
    g_assert_true (mar_shift_log_reload (log, rw_at (w, 120), &error));
    pause = entry_event (log, seq_of_action (w, "paused", bag->id));
    g_assert_true (mar_shift_log_event_get_flags (pause) & MAR_SHIFT_FLAG_AFTER_SIGN_OFF);
    g_assert_false (mar_shift_log_event_get_flags (entry_event (log, bag->created_seq)) & MAR_SHIFT_FLAG_AFTER_SIGN_OFF);
    g_assert_true (mar_shift_log_is_changed_since_sign_off (log));
    /* The pause, and the doses that became missed since 11:00. */
    for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (log)); i++)
      {
        MarShiftLogEvent *e = event_at (log, i);

        if (e == pause || !(mar_shift_log_event_get_flags (e) & MAR_SHIFT_FLAG_AFTER_SIGN_OFF))
          continue;
        g_assert_cmpint (mar_shift_log_event_get_kind (e), ==, MAR_SHIFT_EVENT_MISSED);
        g_assert_cmpint (mar_shift_log_event_get_time (e), >, rw_at (w, 60 - 120));
      }
    g_assert_cmpuint (mar_shift_log_get_summary (log)->after_sign_off, >=, 1);
    g_clear_pointer (&text, g_free);
    text = mar_shift_log_dup_sign_off_text (log);
    g_assert_nonnull (strstr (text, "changed since"));

    g_assert_true (mar_shift_log_sign_off (log, w->store, again, rw_at (w, 120), &seq, &error));
    g_assert_no_error (error);
    g_assert_false (mar_shift_log_event_get_flags (entry_event (log, seq_of_action (w, "paused", bag->id))) &
                    MAR_SHIFT_FLAG_AFTER_SIGN_OFF);
    g_assert_cmpint (mar_shift_log_get_sign_off (log)->signed_at, ==, rw_at (w, 120));
  }

  /* The log changed under the reviewer: look again. */
  {
    g_autoptr(MarShiftLog) stale = load (w, "loc-4w", "2026-01-15", "day", 125);
    MarRecordContext context = rw_context (w, 125, w->nurse, NULL);
    g_autoptr(MarSignature) again = rw_sign_in (w, "C2001", rw_at (w, 126));

    g_assert_true (mar_record_resume (w->record, &context, bag->id, NULL, &error));
    g_assert_no_error (error);
    before = count_entries (w, NULL);
    g_assert_false (mar_shift_log_sign_off (stale, w->store, again, rw_at (w, 126), NULL, &error));
    g_assert_error (error, MAR_SHIFT_LOG_ERROR, MAR_SHIFT_LOG_ERROR_CHANGED);
    g_clear_error (&error);
    g_assert_cmpint (count_entries (w, NULL), ==, before);
  }

  /* Tonight's shift has not begun at 11:00. */
  {
    g_autoptr(MarShiftLog) night = load (w, "loc-4w", "2026-01-15", "night", 60);

    g_assert_false (mar_shift_log_sign_off (night, w->store, charge, rw_at (w, 60), NULL, &error));
    g_assert_error (error, MAR_SHIFT_LOG_ERROR, MAR_SHIFT_LOG_ERROR_NOT_STARTED);
    g_clear_error (&error);
  }
  g_assert_cmpint (count_entries (w, "shift-signed-off"), ==, 2);
  assert_chain_intact (w);
}

/* Review notes on an entry, on an administration charted elsewhere and on
 * a missed dose, by the charge nurse; in the chain; shown on the event;
 * not a change of what was documented (the sign-off digest stays). */
static void
test_notes (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarInfusion) bag = rw_start_nacl (w, RW_NACL_S01, 0, 75);
  g_autoptr(MarShiftLog) log = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, bag->created_seq);
  g_autofree char *too_long = g_strnfill (MAR_SHIFT_NOTE_MAX_CHARS + 1, 'x');
  g_autofree char *digest = NULL;
  g_autofree char *missed_key = NULL;
  MarShiftLogEvent *start, *missed;
  gint64 seq;

  add_pulled (w, "ma-test-1", "pt-4w-05", "urn:bedside-mar:terminal:4W-CART-9", "completed", 60, 90, 100);
  log = load (w, "loc-4w", "2026-01-15", "day", 180);
  digest = g_strdup (mar_shift_log_get_digest (log));
  missed = missed_for (log, "mr-4w-10-meropenem");
  missed_key = g_strdup (mar_shift_log_event_get_key (missed));

  seq = mar_shift_log_add_note (w->store, number, w->charge, "  Rate checked with pharmacy  ", rw_at (w, 200), &error);
  g_assert_no_error (error);
  g_assert_cmpint (seq, >, 0);
  g_assert_cmpint (mar_shift_log_add_note (w->store, "administration:ma-test-1:start", w->charge,
                                           "Charted on the cart: confirmed with the nurse", rw_at (w, 201), &error), >, 0);
  g_assert_cmpint (mar_shift_log_add_note (w->store, missed_key, w->charge, "Patient was in theatre",
                                           rw_at (w, 202), &error), >, 0);
  g_assert_no_error (error);

  /* Refused: a nurse, nothing to say, too much, no such event. */
  g_assert_cmpint (mar_shift_log_add_note (w->store, number, w->nurse, "fine", rw_at (w, 203), &error), ==, 0);
  g_assert_error (error, MAR_SHIFT_LOG_ERROR, MAR_SHIFT_LOG_ERROR_NOT_ALLOWED);
  g_clear_error (&error);
  g_assert_cmpint (mar_shift_log_add_note (w->store, number, w->charge, "   ", rw_at (w, 203), &error), ==, 0);
  g_assert_error (error, MAR_SHIFT_LOG_ERROR, MAR_SHIFT_LOG_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (mar_shift_log_add_note (w->store, number, w->charge, too_long, rw_at (w, 203), &error), ==, 0);
  g_assert_error (error, MAR_SHIFT_LOG_ERROR, MAR_SHIFT_LOG_ERROR_INVALID);
  g_clear_error (&error);
  for (guint i = 0; i < 4; i++)
    {
      const char *keys[] = { "entry:99999", "1", "administration:nope:start", "missed:nope:1768489200" };

      g_assert_cmpint (mar_shift_log_add_note (w->store, keys[i], w->charge, "x", rw_at (w, 203), &error), ==, 0);
      g_assert_error (error, MAR_SHIFT_LOG_ERROR, MAR_SHIFT_LOG_ERROR_UNKNOWN_EVENT);
      g_clear_error (&error);
    }
  g_assert_cmpint (count_entries (w, "review-note"), ==, 3);
  assert_chain_intact (w);

  g_assert_true (mar_shift_log_reload (log, rw_at (w, 180), &error));
  start = entry_event (log, bag->created_seq);
  g_assert_cmpstr (mar_shift_log_event_get_note (start), ==, "Rate checked with pharmacy");
  g_assert_true (mar_shift_log_event_get_flags (start) & MAR_SHIFT_FLAG_REVIEWED);
  g_assert_cmpuint (mar_shift_log_event_get_notes (start)->len, ==, 1);
  g_assert_cmpstr (((MarShiftNote *) g_ptr_array_index (mar_shift_log_event_get_notes (start), 0))->staff_name, ==,
                   "Beatrice Nakamura-Olsen");
  g_assert_cmpstr (mar_shift_log_event_get_note (mar_shift_log_lookup_event (log, "administration:ma-test-1:start")),
                   ==, "Charted on the cart: confirmed with the nurse");
  g_assert_cmpstr (mar_shift_log_event_get_note (mar_shift_log_lookup_event (log, missed_key)), ==,
                   "Patient was in theatre");
  g_assert_cmpstr (mar_shift_log_get_digest (log), ==, digest);
}

/* GListModel --------------------------------------------------------------------------- */

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *calls)
{
  g_assert_cmpuint (position, ==, 0);
  g_assert_cmpuint (added, ==, g_list_model_get_n_items (model));
  (*calls)++;
}

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  MarShiftLog **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = mar_shift_log_load_finish (result, &error);
  g_assert_no_error (error);
}

/* The GUI binds a GtkColumnView to the log: events by property, flags as a
 * GFlags type; a reload says what changed; an async load (its own
 * read-only connection, in a thread) gives the same log. */
static void
test_model (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarInfusion) bag = rw_start_nacl (w, RW_NACL_S01, 0, 75);
  g_autoptr(MarShiftLog) log = load (w, "loc-4w", "2026-01-15", "day", 60);
  g_autoptr(MarShiftLog) async = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *patient = NULL;
  g_autofree char *rate_text = NULL;
  MarShiftFlags flags = 0;
  double rate = 0;
  gint64 time = 0;
  guint calls = 0;
  g_auto(MarShift) shift = { 0 };

  g_assert_true (g_type_is_a (MAR_TYPE_SHIFT_LOG, G_TYPE_LIST_MODEL));
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (log)) == MAR_TYPE_SHIFT_LOG_EVENT);
  g_object_get (entry_event (log, bag->created_seq), "patient", &patient, "flags", &flags, "rate", &rate,
                "time", &time, "rate-text", &rate_text, NULL);
  g_assert_cmpstr (patient, ==, "OKONKWO-FAIRWEATHER, Amara");
  g_assert_cmphex (flags, ==, MAR_SHIFT_FLAG_UNSYNCED);
  g_assert_cmpfloat (rate, ==, 75);
  g_assert_cmpint (time, ==, w->anchor);
  g_assert_cmpstr (rate_text, ==, "75 mL/h");
  g_assert_true (G_TYPE_IS_FLAGS (MAR_TYPE_SHIFT_FLAGS));
  g_assert_nonnull (g_flags_get_value_by_nick (g_type_class_peek (MAR_TYPE_SHIFT_FLAGS) != NULL
                                               ? g_type_class_peek (MAR_TYPE_SHIFT_FLAGS)
                                               : g_type_class_ref (MAR_TYPE_SHIFT_FLAGS), "late-entry"));
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (log), g_list_model_get_n_items (G_LIST_MODEL (log))));

  g_signal_connect (log, "items-changed", G_CALLBACK (on_items_changed), &calls);
  g_assert_true (mar_shift_log_reload (log, rw_at (w, 61), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (calls, ==, 1);

  day_shift (w, "2026-01-15", "day", &shift);
  mar_shift_log_load_async (w->db, mar_verifier_get_library (w->verifier), w->tz, "loc-4w", &shift,
                            rw_at (w, 61), NULL, on_loaded, &async);
  while (async == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (mar_shift_log_get_digest (async), ==, mar_shift_log_get_digest (log));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (async)), ==, g_list_model_get_n_items (G_LIST_MODEL (log)));
}

/* The summary cards and the per-nurse totals, from the shift of
 * test_events_record. */
static void
test_summary (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarShiftLog) log = NULL;
  const MarShiftSummary *s;
  const MarShiftNurse *grace = NULL;
  GPtrArray *nurses;
  Documented d;
  guint pulled_starts = 0;

  document_shift (w, &d);
  log = load (w, "loc-4w", "2026-01-15", "day", 240);
  s = mar_shift_log_get_summary (log);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (log)); i++)
    {
      MarShiftLogEvent *e = event_at (log, i);

      if (mar_shift_log_event_get_kind (e) == MAR_SHIFT_EVENT_PULLED &&
          g_str_equal (mar_shift_log_event_get_action (e), "infusion-started") &&
          !(mar_shift_log_event_get_flags (e) & MAR_SHIFT_FLAG_ENTERED_IN_ERROR))
        pulled_starts++;
    }
  g_assert_cmpuint (s->events, ==, g_list_model_get_n_items (G_LIST_MODEL (log)));
  g_assert_cmpuint (s->doses_given, ==, 2 + pulled_starts);
  g_assert_cmpuint (s->doses_late, ==, 1);
  g_assert_cmpuint (s->overrides, ==, 2);
  g_assert_cmpuint (s->verifications, ==, 2);
  g_assert_cmpuint (s->unable_to_scan, ==, 1);
  g_assert_cmpfloat (s->unable_to_scan_rate, ==, 0.5);
  g_assert_cmpuint (s->keyed, ==, 1);
  g_assert_cmpuint (s->reactions, ==, 1);
  g_assert_cmpuint (s->unsynced, ==, 8);
  g_assert_cmpuint (s->entered_in_error, ==, 1);
  g_assert_cmpuint (s->doses_missed, ==, count_flag (log, MAR_SHIFT_FLAG_MISSED));
  g_assert_cmpuint (s->pulled, ==, count_flag (log, MAR_SHIFT_FLAG_PULLED));
  g_assert_cmpuint (s->patients, ==, 12);

  nurses = mar_shift_log_get_nurses (log);
  for (guint i = 0; i < nurses->len; i++)
    if (g_str_equal (((MarShiftNurse *) g_ptr_array_index (nurses, i))->name, "Grace Adeyemi-Holt"))
      grace = g_ptr_array_index (nurses, i);
  g_assert_nonnull (grace);
  g_assert_cmpuint (grace->events, ==, 7);
  g_assert_cmpuint (grace->verifications, ==, 1);
  g_assert_cmpuint (grace->overrides, ==, 1);
  g_assert_cmpuint (grace->unable_to_scan, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/shift-log/shift/default-plan", test_shift_default);
  g_test_add_func ("/core/shift-log/shift/dst-nights", test_shift_dst_nights);
  g_test_add_func ("/core/shift-log/shift/config", test_shift_config);
  g_test_add_func ("/core/shift-log/unit/resolve", test_unit_resolve);
  g_test_add_func ("/core/shift-log/events/record", test_events_record);
  g_test_add_func ("/core/shift-log/events/missed", test_events_missed);
  g_test_add_func ("/core/shift-log/events/pulled", test_events_pulled);
  g_test_add_func ("/core/shift-log/intake/shift-boundary", test_intake_shift_boundary);
  g_test_add_func ("/core/shift-log/intake/dst-nights", test_intake_dst_nights);
  g_test_add_func ("/core/shift-log/review/sign-off", test_sign_off);
  g_test_add_func ("/core/shift-log/review/notes", test_notes);
  g_test_add_func ("/core/shift-log/model", test_model);
  g_test_add_func ("/core/shift-log/summary", test_summary);
  return g_test_run ();
}
