/* test-downtime.c — the downtime printout (the paper MAR) over the demo ward
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * At the demo ward's anchor (2026-01-15 10:00 New York, imported at
 * 09:59): every active IV order and every bag hanging is on paper,
 * stopped, expired, draft, entered-in-error and non-IV orders are not,
 * held orders are marked, the allergies head each patient, the doses due
 * are the right times (a dose exactly at the horizon included), and the
 * header says how old the data is. The PDF is read back with pdftotext.
 */

#include "config.h"

#include <string.h>

#include "mar-downtime.h"
#include "mar-report-render.h"
#include "mar-time.h"
#include "record-test-util.h"

static MarReport *
build (RecordWard *w,
       double      minutes,
       guint       hours)
{
  g_autoptr(GError) error = NULL;
  MarReport *report = mar_downtime_report_build (w->verifier, w->record, "loc-4w", rw_at (w, minutes), hours, &error);

  g_assert_no_error (error);
  g_assert_nonnull (report);
  g_assert_cmpint (report->kind, ==, MAR_REPORT_DOWNTIME);
  return report;
}

/* The table @key of the patient in @bed. */
static MarReportTable *
find_table (MarReport  *report,
            const char *bed,
            const char *key)
{
  g_autofree char *prefix = g_strdup_printf ("Bed %s ", bed);

  for (guint t = 0; t < report->tables->len; t++)
    {
      MarReportTable *table = g_ptr_array_index (report->tables, t);

      if (g_str_equal (table->key, key) && table->group != NULL && g_str_has_prefix (table->group, prefix))
        return table;
    }
  g_assert_not_reached ();
}

static const char *
cell (MarReportTable *table,
      guint           r,
      const char     *column)
{
  const MarReportRow *row = g_ptr_array_index (table->rows, r);

  for (guint c = 0; c < table->columns->len; c++)
    if (g_str_equal (((MarReportColumn *) g_ptr_array_index (table->columns, c))->key, column))
      return row->texts[c];
  g_assert_not_reached ();
}

static const char *
value (MarReportTable *table,
       guint           r,
       const char     *column)
{
  const MarReportRow *row = g_ptr_array_index (table->rows, r);

  for (guint c = 0; c < table->columns->len; c++)
    if (g_str_equal (((MarReportColumn *) g_ptr_array_index (table->columns, c))->key, column))
      return row->values[c] != NULL ? row->values[c] : row->texts[c];
  g_assert_not_reached ();
}

/* The row whose medication contains @text, or -1. */
static int
find_row (MarReportTable *table,
          const char     *text)
{
  for (guint r = 0; r < table->rows->len; r++)
    if (strstr (cell (table, r, "medication"), text) != NULL)
      return (int) r;
  return -1;
}

static const char *
figure (MarReport  *report,
        const char *key)
{
  for (guint i = 0; i < report->figures->len; i++)
    {
      MarReportFigure *f = g_ptr_array_index (report->figures, i);

      if (g_str_equal (f->key, key))
        return f->value;
    }
  g_assert_not_reached ();
}

static void
test_every_patient_by_bed (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarReport) report = build (w, 0, 0);
  guint n = 0;

  /* Three tables per patient (orders, doses due, bags), beds in order. */
  g_assert_cmpuint (report->tables->len, ==, 12 * 3);
  for (guint t = 0; t < report->tables->len; t += 3)
    {
      MarReportTable *table = g_ptr_array_index (report->tables, t);
      g_autofree char *prefix = g_strdup_printf ("Bed 4W-%02u — ", ++n);

      g_assert_cmpstr (table->key, ==, "orders");
      g_assert_true (g_str_has_prefix (table->group, prefix));
      g_assert_cmpstr (((MarReportTable *) g_ptr_array_index (report->tables, t + 1))->key, ==, "doses");
      g_assert_cmpstr (((MarReportTable *) g_ptr_array_index (report->tables, t + 2))->key, ==, "bags");
    }
  g_assert_cmpstr (figure (report, "patients"), ==, "12");
  /* Identity on each patient's line: MRN, birth date, weight. */
  {
    MarReportTable *table = find_table (report, "4W-01", "orders");

    g_assert_nonnull (strstr (table->title, "MRN 74120318"));
    g_assert_nonnull (strstr (table->title, "born 1958-03-14"));
    g_assert_nonnull (strstr (table->title, "weight 72 kg"));
    g_assert_nonnull (strstr (find_table (report, "4W-06", "orders")->title, "weight not recorded"));
  }
}

/* Every active IV order is printed; stopped, expired (bounds end passed),
 * draft, entered-in-error and IM orders are not. */
static void
test_active_iv_orders_only (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarReport) report = build (w, 0, 0);
  MarReportTable *table;
  guint total = 0;

  for (guint t = 0; t < report->tables->len; t++)
    {
      MarReportTable *each = g_ptr_array_index (report->tables, t);

      if (g_str_equal (each->key, "orders"))
        total += each->rows->len;
    }
  /* 34 orders: less a stopped one, a draft, one entered in error, an
   * expired one and an IM one. */
  g_assert_cmpuint (total, ==, 29);
  g_assert_cmpstr (figure (report, "orders"), ==, "29");

  /* 4W-02: vancomycin and piperacillin-tazobactam; cefazolin is stopped. */
  table = find_table (report, "4W-02", "orders");
  g_assert_cmpuint (table->rows->len, ==, 2);
  g_assert_cmpint (find_row (table, "vancomycin"), >=, 0);
  g_assert_cmpint (find_row (table, "Piperacillin"), >=, 0);
  g_assert_cmpint (find_row (table, "cefazolin"), ==, -1);
  g_assert_cmpstr (cell (table, find_row (table, "vancomycin"), "dose"), ==, "1.25 g");
  g_assert_cmpstr (cell (table, find_row (table, "vancomycin"), "rate"), ==, "125 mL/h");

  /* 4W-03: the draft meropenem is no order. */
  g_assert_cmpint (find_row (find_table (report, "4W-03", "orders"), "meropenem"), ==, -1);
  /* 4W-06: cefazolin ended at 07:30. */
  table = find_table (report, "4W-06", "orders");
  g_assert_cmpint (find_row (table, "cefazolin"), ==, -1);
  g_assert_cmpint (find_row (table, "Lactated Ringer"), >=, 0);
  g_assert_nonnull (strstr (cell (table, find_row (table, "hydromorphone"), "schedule"), "PRN"));
  /* 4W-12: ceftriaxone IM is not IV. */
  g_assert_cmpint (find_row (find_table (report, "4W-12", "orders"), "ceftriaxone"), ==, -1);
  /* 4W-04: the KCl order entered in error is not printed twice. */
  g_assert_cmpuint (find_table (report, "4W-04", "orders")->rows->len, ==, 2);
}

static void
test_held_marked (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarReport) report = build (w, 0, 0);
  MarReportTable *table = find_table (report, "4W-07", "orders");
  int kcl = find_row (table, "Potassium chloride");
  const MarReportRow *row;

  g_assert_cmpint (kcl, >=, 0);
  g_assert_cmpstr (cell (table, kcl, "status"), ==, "HELD: do not give");
  g_assert_cmpstr (value (table, kcl, "status"), ==, "on-hold");
  row = g_ptr_array_index (table->rows, kcl);
  g_assert_true (row->style & MAR_REPORT_ROW_FLAGGED);
  g_assert_cmpstr (figure (report, "held"), ==, "1");
}

/* RULES.md, WITNESS_REQUIRED: heparin, insulin, potassium concentrate
 * above 0.1 mEq/mL are marked; their doses get a witness box. */
static void
test_high_alert_marked (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarReport) report = build (w, 0, 0);
  MarReportTable *table = find_table (report, "4W-01", "orders");
  MarReportTable *doses = find_table (report, "4W-04", "doses");

  g_assert_nonnull (strstr (cell (table, find_row (table, "Heparin"), "status"), "HIGH-ALERT"));
  g_assert_nonnull (strstr (cell (table, find_row (table, "Heparin"), "status"), "witness"));
  g_assert_cmpstr (cell (table, find_row (table, "sodium chloride"), "status"), ==, "");
  table = find_table (report, "4W-04", "orders");
  g_assert_nonnull (strstr (cell (table, find_row (table, "insulin"), "status"), "HIGH-ALERT"));
  g_assert_nonnull (strstr (cell (table, find_row (table, "Potassium"), "status"), "Potassium concentrate"));

  /* The KCl doses: a blank witness box; an antibiotic's: a dash. */
  g_assert_cmpstr (cell (doses, 0, "witness"), ==, " \n ");
  g_assert_cmpstr (cell (find_table (report, "4W-03", "doses"), 0, "witness"), ==, "—");
}

static void
test_allergies_head_each_patient (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarReport) report = build (w, 0, 0);

  g_assert_true (g_str_has_suffix (find_table (report, "4W-02", "orders")->title,
                                   "\nALLERGIES (HIGH RISK): Penicillins"));
  g_assert_true (g_str_has_suffix (find_table (report, "4W-03", "orders")->title, "\nALLERGIES: Vancomycin"));
  /* NKDA is an assessment; nothing recorded is not (ALLERGIES_NOT_ASSESSED). */
  g_assert_true (g_str_has_suffix (find_table (report, "4W-01", "orders")->title,
                                   "\nAllergies: no known drug allergies"));
  g_assert_nonnull (strstr (find_table (report, "4W-06", "orders")->title, "ALLERGIES NOT ASSESSED"));
  /* A refuted allergy is not printed. */
  g_assert_nonnull (strstr (find_table (report, "4W-08", "orders")->title, "no known drug allergies"));
}

/* Due times in [now, now + hours]: vancomycin q12h from 10:00 is due at
 * 10:00 and at 22:00, exactly twelve hours ahead; a dose already charted
 * (ceftriaxone 09:00) is not listed; a dose before now still in its
 * window is, marked. */
static void
test_doses_due (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarReport) report = build (w, 0, 12);
  g_autoptr(MarReport) shorter = build (w, 0, 11);
  g_autoptr(MarReport) day = build (w, 0, 24);
  MarReportTable *table = find_table (report, "4W-03", "doses");

  g_assert_cmpuint (table->rows->len, ==, 2);
  g_assert_cmpstr (cell (table, 0, "due"), ==, "10:00");
  g_assert_cmpstr (value (table, 0, "due"), ==, "2026-01-15T10:00:00-05:00");
  g_assert_cmpstr (cell (table, 1, "due"), ==, "22:00");
  g_assert_cmpstr (cell (table, 1, "medication"), ==, "vancomycin");
  /* The boxes to chart in are blank on paper and empty for machines. */
  g_assert_cmpstr (cell (table, 0, "given_at"), ==, " \n ");
  g_assert_cmpstr (value (table, 0, "given_at"), ==, "");
  g_assert_cmpstr (value (table, 0, "initials"), ==, "");

  /* One hour less: 22:00 falls off. */
  table = find_table (shorter, "4W-03", "doses");
  g_assert_cmpuint (table->rows->len, ==, 1);
  g_assert_cmpstr (cell (table, 0, "due"), ==, "10:00");

  /* 4W-02: piperacillin-tazobactam 09:45 (due now), 15:45, 21:45 and
   * vancomycin 21:30, in time order. */
  table = find_table (report, "4W-02", "doses");
  g_assert_cmpuint (table->rows->len, ==, 4);
  g_assert_cmpstr (cell (table, 0, "due"), ==, "09:45 (due now)");
  g_assert_cmpstr (cell (table, 1, "due"), ==, "15:45");
  g_assert_cmpstr (cell (table, 2, "due"), ==, "21:30");
  g_assert_cmpstr (cell (table, 3, "due"), ==, "21:45");

  /* Continuous and PRN orders have no due times; the held order none. */
  g_assert_cmpuint (find_table (report, "4W-06", "doses")->rows->len, ==, 0);
  g_assert_cmpuint (find_table (report, "4W-07", "doses")->rows->len, ==, 0);

  /* Past midnight the day is named (and 10:00 tomorrow is exactly 24 h). */
  table = find_table (day, "4W-03", "doses");
  g_assert_cmpuint (table->rows->len, ==, 4);
  g_assert_cmpstr (cell (table, 2, "due"), ==, "Fri 16 09:00");
  g_assert_cmpstr (cell (table, 3, "due"), ==, "Fri 16 10:00");
}

static void
test_bags_hanging (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarInfusion) bag = rw_start_nacl (w, RW_NACL_S01, -20, 75);
  g_autoptr(GError) error = NULL;
  MarRecordContext context;
  MarReportTable *table;
  guint total = 0;

  {
    g_autoptr(MarReport) report = build (w, 0, 0);

    for (guint t = 0; t < report->tables->len; t++)
      {
        MarReportTable *each = g_ptr_array_index (report->tables, t);

        if (g_str_equal (each->key, "bags"))
          total += each->rows->len;
      }
    /* Three charted elsewhere (4W-02, 4W-10, 4W-11) and ours. */
    g_assert_cmpuint (total, ==, 4);
    g_assert_cmpstr (figure (report, "bags"), ==, "4");

    table = find_table (report, "4W-01", "bags");
    g_assert_cmpuint (table->rows->len, ==, 1);
    g_assert_cmpstr (cell (table, 0, "state"), ==, "Infusing");
    g_assert_cmpstr (cell (table, 0, "rate"), ==, "75 mL/h");
    g_assert_cmpstr (cell (table, 0, "volume"), ==, "25 mL");
    g_assert_cmpstr (cell (table, 0, "started"), ==, "2026-01-15 09:40");
    g_assert_cmpstr (value (table, 0, "charted"), ==, "local");
    g_assert_cmpstr (cell (table, 0, "bag"), !=, "");

    /* Elsewhere: vancomycin since 09:34 at 125 mL/h, its label. */
    table = find_table (report, "4W-02", "bags");
    g_assert_cmpuint (table->rows->len, ==, 1);
    g_assert_cmpstr (cell (table, 0, "started"), ==, "2026-01-15 09:34");
    g_assert_cmpstr (cell (table, 0, "volume"), ==, "54 mL");
    g_assert_cmpstr (value (table, 0, "charted"), ==, "elsewhere");
    g_assert_cmpstr (cell (table, 0, "bag"), ==, "010061414120125921V125-0417");
  }

  /* Paused: still hanging, marked. */
  context = rw_context (w, 1, w->nurse, NULL);
  g_assert_true (mar_record_pause (w->record, &context, bag->id, "patient-care", NULL, &error));
  g_assert_no_error (error);
  {
    g_autoptr(MarReport) report = build (w, 2, 0);

    table = find_table (report, "4W-01", "bags");
    g_assert_cmpuint (table->rows->len, ==, 1);
    g_assert_cmpstr (cell (table, 0, "state"), ==, "PAUSED");
  }

  /* Completed: gone from paper. */
  context = rw_context (w, 3, w->nurse, NULL);
  g_assert_true (mar_record_complete (w->record, &context, bag->id, NULL, NULL, &error));
  g_assert_no_error (error);
  {
    g_autoptr(MarReport) report = build (w, 4, 0);

    g_assert_cmpuint (find_table (report, "4W-01", "bags")->rows->len, ==, 0);
  }
}

/* RULES.md, CACHE_STALE: the paper says how old its data is. */
static void
test_last_synced (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(MarReport) report = build (w, 0, 0);

    /* Imported at 09:59. */
    g_assert_cmpstr (report->sign_off, ==, "Last synced 2026-01-15 09:59 EST (1 min before printing)");
    g_assert_cmpstr (figure (report, "last_synced"), ==, "1 min");
    g_assert_nonnull (strstr (report->shift_label, "Printed Thu 2026-01-15 10:00 EST"));
    g_assert_nonnull (strstr (report->shift_label, "terminal "));
  }
  {
    /* Two hours later: older than the drug library's limit. */
    g_autoptr(MarReport) report = build (w, 120, 0);

    g_assert_cmpstr (report->sign_off, ==,
                     "Last synced 2026-01-15 09:59 EST (2 h 01 min before printing): OUT OF DATE, check orders");
  }
  g_assert_true (mar_store_set_last_sync (w->store, rw_at (w, -30), &error));
  g_assert_no_error (error);
  {
    g_autoptr(MarReport) report = build (w, 0, 0);

    g_assert_true (g_str_has_prefix (report->sign_off, "Last synced 2026-01-15 09:30 EST (30 min"));
  }
}

static void
test_hours_limit (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MarReport) report = mar_downtime_report_build (w->verifier, w->record, "loc-4w", rw_at (w, 0),
                                                           MAR_DOWNTIME_MAX_HOURS + 1, &error);

  g_assert_null (report);
  g_assert_error (error, MAR_DOWNTIME_ERROR, MAR_DOWNTIME_ERROR_INVALID_HOURS);
}

static void
test_empty_unit (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MarReport) report = mar_downtime_report_build (w->verifier, NULL, "loc-nowhere", rw_at (w, 0), 0, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (report->tables->len, ==, 1);
  g_assert_cmpstr (((MarReportTable *) g_ptr_array_index (report->tables, 0))->empty_text, ==,
                   "No patients on this unit");
}

static void
test_csv_all_tables (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarReport) report = build (w, 0, 0);
  g_autofree char *csv = mar_report_to_csv_all (report);
  g_auto(GStrv) lines = g_strsplit (csv, "\r\n", -1);
  guint rows = 0;

  for (guint t = 0; t < report->tables->len; t++)
    rows += ((MarReportTable *) g_ptr_array_index (report->tables, t))->rows->len;
  /* A heading, a line per row, the last CRLF. */
  g_assert_cmpuint (g_strv_length (lines), ==, rows + 2);
  g_assert_true (g_str_has_prefix (lines[0], "Group,Table,Medication,Dose,Route,Rate,Schedule,\"Held, high-alert\",Due,Time given"));
  /* Held orders export their status for machines. */
  g_assert_nonnull (strstr (csv, ",on-hold"));
  /* Blank boxes export empty, not as line breaks. */
  g_assert_null (strstr (csv, "\" \n \""));
}

static char *
run_tool (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *program = g_find_program_in_path (argv[0]);
  char *out = NULL;
  int status;

  if (program == NULL)
    g_error ("%s is missing: install poppler-utils (tools/install-deps)", argv[0]);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                               NULL, &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return out;
}

/* Landscape A4 and Letter through the shift log's renderer: every page
 * says what it is and how old its data is; the safety lines survive. */
static void
test_pdf (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarReport) report = build (w, 0, 0);
  MarReportPaper papers[] = { MAR_REPORT_PAPER_A4, MAR_REPORT_PAPER_LETTER };

  for (guint p = 0; p < G_N_ELEMENTS (papers); p++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) pdf = mar_report_to_pdf (report, papers[p], &error);
      g_autofree char *path = g_build_filename (w->folder, "downtime.pdf", NULL);
      const char *text_argv[] = { "pdftotext", "-layout", path, "-", NULL };
      const char *info_argv[] = { "pdfinfo", path, NULL };
      g_autofree char *text = NULL;
      g_autofree char *info = NULL;
      g_auto(GStrv) pages = NULL;
      guint n_pages;

      g_assert_no_error (error);
      g_assert_true (g_file_set_contents (path, g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf), &error));
      text = run_tool (text_argv);
      info = run_tool (info_argv);
      g_assert_nonnull (strstr (info, papers[p] == MAR_REPORT_PAPER_A4 ? "841.89 x 595.28" : "792 x 612"));

      /* pdftotext ends each page with a form feed. */
      pages = g_strsplit (text, "\f", -1);
      n_pages = g_strv_length (pages) - 1;
      g_assert_cmpuint (n_pages, >, 1);
      for (guint i = 0; i < n_pages; i++)
        {
          g_autofree char *of = g_strdup_printf ("Page %u of %u", i + 1, n_pages);

          g_assert_nonnull (strstr (pages[i], "Downtime MAR"));
          g_assert_nonnull (strstr (pages[i], "Last synced 2026-01-15 09:59 EST"));
          g_assert_nonnull (strstr (pages[i], of));
        }
      g_assert_nonnull (strstr (text, "ALLERGIES (HIGH RISK): Penicillins"));
      g_assert_nonnull (strstr (text, "ALLERGIES NOT ASSESSED"));
      g_assert_nonnull (strstr (text, "HELD: do not give"));
      g_assert_nonnull (strstr (text, "Witness initials"));
      g_assert_nonnull (strstr (text, "Bags hanging now"));
      g_assert_null (strstr (text, "cefazolin"));
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/downtime/patients/by-bed", test_every_patient_by_bed);
  g_test_add_func ("/core/downtime/orders/active-iv-only", test_active_iv_orders_only);
  g_test_add_func ("/core/downtime/orders/held", test_held_marked);
  g_test_add_func ("/core/downtime/orders/high-alert", test_high_alert_marked);
  g_test_add_func ("/core/downtime/allergies", test_allergies_head_each_patient);
  g_test_add_func ("/core/downtime/doses/due", test_doses_due);
  g_test_add_func ("/core/downtime/bags/hanging", test_bags_hanging);
  g_test_add_func ("/core/downtime/header/last-synced", test_last_synced);
  g_test_add_func ("/core/downtime/hours/limit", test_hours_limit);
  g_test_add_func ("/core/downtime/unit/empty", test_empty_unit);
  g_test_add_func ("/core/downtime/csv", test_csv_all_tables);
  g_test_add_func ("/core/downtime/pdf", test_pdf);
  return g_test_run ();
}
