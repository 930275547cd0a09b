/* test-report.c — the shift log and reports as CSV, text, JSON and PDF
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * CSV is RFC 4180 and formula-safe (OWASP, CSV Injection); the PDF is
 * read back with pdftotext and pdfinfo (poppler-utils): the unit, the
 * shift, the print time and "Page N of M" on every page, a long log on
 * several pages with its column headings repeated, no text cut off.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <cairo.h>
#include <glib/gstdio.h>

#include "mar-report-render.h"
#include "mar-shift-log.h"
#include "mar-time.h"
#include "record-test-util.h"
#include "store-test-util.h"

#define UNIT_NAME "4 West — Medical/Surgical"

static MarShiftLog *
load_day (RecordWard *w,
          double      minutes)
{
  g_autoptr(MarShiftPlan) plan = mar_shift_plan_new_default ();
  g_auto(MarShift) shift = { 0 };
  g_autoptr(GError) error = NULL;
  MarShiftLog *log;

  g_assert_true (mar_shift_plan_resolve (plan, w->tz, "day", "2026-01-15", &shift, &error));
  log = mar_shift_log_load (w->store, mar_verifier_get_library (w->verifier), w->tz, "loc-4w", &shift,
                            rw_at (w, minutes), &error);
  g_assert_no_error (error);
  return log;
}

/* An RFC 4180 reader, strict, for reading our CSV back. (element-type GStrv) */
static GPtrArray *
parse_csv (const char *text)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) field = g_string_new (NULL);
  const char *p = text;

  while (*p != '\0')
    {
      if (*p == '"')
        {
          for (p++; !(*p == '"' && p[1] != '"'); p++)
            {
              g_assert_true (*p != '\0');
              if (*p == '"')
                p++;
              g_string_append_c (field, *p);
            }
          p++;
        }
      else
        for (; *p != ',' && *p != '\r' && *p != '\0'; p++)
          {
            g_assert_true (*p != '"' && *p != '\n');
            g_string_append_c (field, *p);
          }
      g_ptr_array_add (fields, g_strdup (field->str));
      g_string_truncate (field, 0);
      if (*p == ',')
        p++;
      else
        {
          /* RFC 4180, 2.1: each record ends with CRLF. */
          g_assert_true (p[0] == '\r' && p[1] == '\n');
          p += 2;
          g_ptr_array_add (fields, NULL);
          g_ptr_array_add (records, g_ptr_array_steal (fields, NULL));
          fields = g_ptr_array_new_with_free_func (g_free);
        }
    }
  g_assert_cmpuint (fields->len, ==, 0);
  return records;
}

/* CSV ----------------------------------------------------------------------------- */

/* RFC 4180 quoting, and the OWASP prefix on what a spreadsheet would run. */
static void
test_csv_field (void)
{
  static const struct { const char *in; const char *out; } cases[] = {
    { "plain", "plain" },
    { "", "" },
    { "Ménière — 5 %", "Ménière — 5 %" },
    { "a,b", "\"a,b\"" },
    { "say \"hi\"", "\"say \"\"hi\"\"\"" },
    { "two\nlines", "\"two\nlines\"" },
    { "=SUM(A1:A9)", "'=SUM(A1:A9)" },
    { "+1 555 0100", "'+1 555 0100" },
    { "-5", "'-5" },
    { "@cmd", "'@cmd" },
    { "\tx", "'\tx" },
    { "\rx", "\"'\rx\"" },
    { "=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"" },
    { "a=b", "a=b" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *field = mar_report_csv_field (cases[i].in);

      g_assert_cmpstr (field, ==, cases[i].out);
    }
}

/* One header row of column titles, CRLF, machine values where a cell has
 * one, every field read back as written. */
static void
test_csv_document (void)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("America/New_York");
  g_autoptr(MarReport) report = mar_report_new (MAR_REPORT_MISSED, tz);
  g_autoptr(GPtrArray) records = NULL;
  g_autofree char *csv = NULL;
  MarReportTable *table = mar_report_add_table (report, "rows", "Rows", NULL);
  MarReportRow *row;
  char **header, **first, **second;

  mar_report_table_add_column (table, "time", "Time", 1, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "drug", "Drug, as labelled", 1, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "note", "Note", 1, MAR_REPORT_ALIGN_START);
  row = mar_report_table_add_row (table, MAR_REPORT_ROW_FLAGGED);
  mar_report_row_set (table, row, "time", "08:30", "2026-01-15T08:30:00-05:00");
  mar_report_row_set (table, row, "drug", "Meropenem 1 g, 0.9% NaCl 50 mL", NULL);
  mar_report_row_set (table, row, "note", "=cmd|' /C calc'!A0", NULL);
  row = mar_report_table_add_row (table, MAR_REPORT_ROW_PLAIN);
  mar_report_row_set (table, row, "drug", "Heparin \"high alert\"\nline 2", NULL);

  csv = mar_report_to_csv (report, 0);
  g_assert_true (g_str_has_prefix (csv, "Time,\"Drug, as labelled\",Note\r\n"));
  g_assert_true (g_utf8_validate (csv, -1, NULL));
  g_assert_false (g_str_has_prefix (csv, "\xef\xbb\xbf"));
  records = parse_csv (csv);
  g_assert_cmpuint (records->len, ==, 3);
  header = g_ptr_array_index (records, 0);
  first = g_ptr_array_index (records, 1);
  second = g_ptr_array_index (records, 2);
  g_assert_cmpuint (g_strv_length (header), ==, 3);
  g_assert_cmpstr (first[0], ==, "2026-01-15T08:30:00-05:00");
  g_assert_cmpstr (first[1], ==, "Meropenem 1 g, 0.9% NaCl 50 mL");
  g_assert_cmpstr (first[2], ==, "'=cmd|' /C calc'!A0");
  g_assert_cmpstr (second[0], ==, "");
  g_assert_cmpstr (second[1], ==, "Heparin \"high alert\"\nline 2");
}

/* A comment a nurse typed as a formula, in the override the record keeps,
 * comes out of the variance report's CSV as text. */
static void
test_csv_formula_from_record (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarShiftLog) log = NULL;
  g_autoptr(MarReport) report = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = NULL;
  g_autoptr(MarScanResult) patient = rw_scan (w, "74121248", FALSE);
  g_autoptr(MarScanResult) product = rw_scan (w, "(01)00614141205103(17)301231(10)MP3318(21)S38", FALSE);
  MarRecordContext context = rw_context (w, 0, w->nurse, NULL);
  MarOverride late = { "TIME_LATE", "other", "=HYPERLINK(\"http://evil.invalid\",\"ok\")" };
  MarStartRequest request = { .patient_scan = patient, .product_scan = product, .rate_ml_per_h = 100 };
  g_autoptr(MarInfusion) bag = NULL;
  gboolean found = FALSE;

  context.overrides = &late;
  context.n_overrides = 1;
  bag = mar_record_start (w->record, &context, &request, NULL, &error);
  g_assert_no_error (error);

  log = load_day (w, 60);
  report = mar_shift_log_build_report (log, MAR_REPORT_VARIANCE, rw_at (w, 60));
  csv = mar_report_to_csv (report, 0);
  g_assert_nonnull (strstr (csv, "\"'=HYPERLINK(\"\"http://evil.invalid\"\",\"\"ok\"\")\""));
  records = parse_csv (csv);
  for (guint i = 1; i < records->len; i++)
    for (char **f = g_ptr_array_index (records, i); *f != NULL; f++)
      {
        g_assert_false (**f == '=' || **f == '+' || **f == '-' || **f == '@');
        found |= g_str_has_prefix (*f, "'=HYPERLINK");
      }
  g_assert_true (found);
}

/* Pumps take a hundredth of a mL/h: heparin at 12.96 mL/h is never
 * printed or exported as 13. */
static void
test_rates_to_the_hundredth (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarInfusion) heparin = rw_start_heparin (w, 0, 12.96, NULL, 0);
  g_autoptr(MarShiftLog) log = load_day (w, 60);
  g_autoptr(MarReport) report = mar_shift_log_build_report (log, MAR_REPORT_SHIFT_LOG, rw_at (w, 60));
  g_autoptr(MarReport) bags = mar_shift_log_build_report (log, MAR_REPORT_BAGS, rw_at (w, 60));
  g_autoptr(JsonNode) json = mar_shift_log_to_json (log);
  g_autofree char *csv = mar_report_to_csv (report, 0);
  g_autofree char *key = g_strdup_printf ("entry:%" G_GINT64_FORMAT, heparin->created_seq);
  MarShiftLogEvent *event = mar_shift_log_lookup_event (log, key);
  JsonArray *events = json_object_get_array_member (json_node_get_object (json), "events");
  gboolean seen = FALSE;

  g_assert_cmpstr (mar_shift_log_event_get_rate_text (event), ==, "12.96 mL/h");
  g_assert_cmpstr (mar_shift_log_event_get_witness (event), ==, "Mateo Villanueva-Crane");
  g_assert_nonnull (strstr (csv, ",Started,12.96,,Grace Adeyemi-Holt,Mateo Villanueva-Crane,"));
  g_assert_cmpstr (((MarReportRow *) g_ptr_array_index (((MarReportTable *) g_ptr_array_index (bags->tables, 0))->rows,
                                                        0))->texts[8], ==, "12.96 mL/h");
  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonObject *e = json_array_get_object_element (events, i);

      if (g_strcmp0 (json_object_get_string_member (e, "key"), key) == 0)
        {
          g_assert_cmpfloat (json_object_get_double_member (e, "rate_ml_h"), ==, 12.96);
          seen = TRUE;
        }
    }
  g_assert_true (seen);
}

/* A shift with a little of everything (as test-shift-log's). */
static void
document (RecordWard *w)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarInfusion) nacl = rw_start_nacl (w, RW_NACL_S01, 0, 75);
  double pump = 180;

  {
    g_autoptr(MarScanResult) patient = rw_scan (w, "74121248", TRUE);
    g_autoptr(MarScanResult) product = rw_scan (w, "(01)00614141205103(17)301231(10)MP3318(21)S38", FALSE);
    MarRecordContext context = rw_context (w, 5, w->nurse2, NULL);
    MarOverride late = { "TIME_LATE", "patient-off-unit", NULL };
    MarUnableToScan unable = {
      .patient_reason = "damaged-wristband", .confirmed_name = "Kettleby, Hiroshi",
      .confirmed_birth_date = "1960-05-16",
    };
    MarStartRequest request = {
      .patient_scan = patient, .product_scan = product, .rate_ml_per_h = 100, .unable_to_scan = &unable,
    };
    g_autoptr(MarSignature) nurse2 = rw_sign_in (w, "N1002", rw_at (w, 5));
    g_autoptr(MarInfusion) bag = NULL;

    context.nurse = nurse2;
    context.overrides = &late;
    context.n_overrides = 1;
    bag = mar_record_start (w->record, &context, &request, NULL, &error);
    g_assert_no_error (error);
  }
  {
    MarRecordContext context = rw_context (w, 30, w->nurse, NULL);
    MarOverride mismatch = { "RATE_MISMATCH", "provider-order", NULL };

    context.overrides = &mismatch;
    context.n_overrides = 1;
    g_assert_true (mar_record_change_rate (w->record, &context, nacl->id, 100, "provider-order", NULL, NULL, &error));
  }
  {
    MarRecordContext context = rw_context (w, 80, w->nurse, NULL);
    MarReactionRequest request = { .kind = "rash", .severity = "mild" };

    g_assert_cmpint (mar_record_add_reaction (w->record, &context, nacl->id, &request, &error), >, 0);
  }
  {
    MarRecordContext context = rw_context (w, 180, w->nurse, NULL);

    g_assert_true (mar_record_stop (w->record, &context, nacl->id, &pump, "line-change", NULL, &error));
  }
  g_assert_no_error (error);
}

static const MarReportFigure *
figure (MarReport  *report,
        const char *key)
{
  for (guint i = 0; i < report->figures->len; i++)
    if (g_str_equal (((MarReportFigure *) g_ptr_array_index (report->figures, i))->key, key))
      return g_ptr_array_index (report->figures, i);
  g_error ("no figure %s", key);
}

static MarReportTable *
table (MarReport  *report,
       const char *key)
{
  for (guint i = 0; i < report->tables->len; i++)
    if (g_str_equal (((MarReportTable *) g_ptr_array_index (report->tables, i))->key, key))
      return g_ptr_array_index (report->tables, i);
  g_error ("no table %s", key);
}

static const char *
cell (MarReportTable *t,
      guint           row,
      const char     *column)
{
  const MarReportRow *r = g_ptr_array_index (t->rows, row);

  for (guint c = 0; c < t->columns->len; c++)
    if (g_str_equal (((MarReportColumn *) g_ptr_array_index (t->columns, c))->key, column))
      return r->texts[c];
  g_error ("no column %s", column);
}

/* Each report from the one load: its figures and rows. */
static void
test_report_kinds (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarShiftLog) log = NULL;
  const MarShiftSummary *s;

  document (w);
  log = load_day (w, 240);
  s = mar_shift_log_get_summary (log);

  {
    g_autoptr(MarReport) r = mar_shift_log_build_report (log, MAR_REPORT_SHIFT_LOG, rw_at (w, 240));

    g_assert_cmpstr (r->title, ==, "Shift log");
    g_assert_cmpstr (r->unit_name, ==, UNIT_NAME);
    g_assert_cmpstr (r->shift_label, ==, "Day shift, Thursday 15 January 2026, 07:00–19:00");
    g_assert_cmpstr (r->sign_off, ==, "Not signed off");
    g_assert_cmpuint (table (r, "events")->rows->len, ==, s->events);
    g_assert_cmpuint (table (r, "patients")->rows->len, ==, 12);
    g_assert_cmpstr (figure (r, "overrides")->value, ==, "2");
    g_assert_cmpstr (figure (r, "unable_to_scan_rate")->value, ==, "1 of 2 (50.0%)");
    g_assert_cmpstr (figure (r, "unable_to_scan_rate")->machine_value, ==, "50");
  }
  {
    g_autoptr(MarReport) r = mar_shift_log_build_report (log, MAR_REPORT_MISSED, rw_at (w, 240));
    MarReportTable *t = table (r, "missed");

    g_assert_cmpstr (r->title, ==, "Missed medications");
    g_assert_cmpuint (t->rows->len, ==, s->doses_missed);
    g_assert_cmpuint (t->rows->len, >, 0);
    for (guint i = 0; i < t->rows->len; i++)
      g_assert_true (((MarReportRow *) g_ptr_array_index (t->rows, i))->style & MAR_REPORT_ROW_FLAGGED);
  }
  {
    g_autoptr(MarReport) r = mar_shift_log_build_report (log, MAR_REPORT_VARIANCE, rw_at (w, 240));
    MarReportTable *overrides = table (r, "overrides");
    MarReportTable *timing = table (r, "timing");

    g_assert_cmpuint (overrides->rows->len, ==, 2);
    g_assert_cmpstr (cell (overrides, 0, "code"), ==, "RATE_MISMATCH");
    g_assert_cmpstr (cell (overrides, 0, "count"), ==, "1");
    g_assert_cmpstr (cell (overrides, 1, "code"), ==, "TIME_LATE");
    g_assert_cmpstr (cell (overrides, 1, "reason"), ==, "Patient was off the unit");
    g_assert_cmpstr (cell (timing, 1, "kind"), ==, "Late");
    g_assert_cmpstr (cell (timing, 1, "doses"), ==, "1");
    g_assert_cmpstr (cell (timing, 1, "max"), ==, "95");
    g_assert_cmpstr (figure (r, "unable_to_scan")->value, ==, "1");
    g_assert_cmpstr (figure (r, "keyed")->value, ==, "1");
  }
  {
    g_autoptr(MarReport) r = mar_shift_log_build_report (log, MAR_REPORT_UNABLE_TO_SCAN, rw_at (w, 240));
    MarReportTable *rows = table (r, "unable_to_scan");

    g_assert_cmpuint (rows->rows->len, ==, 1);
    g_assert_cmpstr (cell (rows, 0, "scan"), ==, "wristband");
    g_assert_cmpstr (cell (rows, 0, "reason"), ==, "Wristband damaged or unreadable");
    g_assert_cmpstr (cell (rows, 0, "bed"), ==, "4W-10");
    g_assert_cmpstr (figure (r, "unable_to_scan_rate")->value, ==, "1 of 2 (50.0%)");
    g_assert_cmpstr (cell (table (r, "reasons"), 0, "count"), ==, "1");
  }
  {
    g_autoptr(MarReport) r = mar_shift_log_build_report (log, MAR_REPORT_BAGS, rw_at (w, 240));
    MarReportTable *bags = table (r, "bags");

    g_assert_cmpuint (bags->rows->len, ==, 2);
    g_assert_cmpstr (cell (bags, 0, "bed"), ==, "4W-01");
    g_assert_cmpstr (cell (bags, 0, "state"), ==, mar_infusion_state_get_label (MAR_INFUSION_STOPPED));
    g_assert_cmpstr (cell (bags, 0, "volume_in_shift"), ==, "180 mL");
    g_assert_cmpstr (cell (bags, 1, "state"), ==, mar_infusion_state_get_label (MAR_INFUSION_INFUSING));
    g_assert_cmpstr (cell (bags, 1, "rate"), ==, "100 mL/h");
    g_assert_cmpstr (figure (r, "infusing")->value, ==, "1");
    g_assert_cmpstr (figure (r, "stopped")->value, ==, "1");
  }
  {
    g_autoptr(MarReport) r = mar_shift_log_build_report (log, MAR_REPORT_REACTIONS, rw_at (w, 240));

    g_assert_cmpuint (table (r, "reactions")->rows->len, ==, 1);
    g_assert_nonnull (strstr (cell (table (r, "reactions"), 0, "detail"), "Rash"));
    g_assert_cmpstr (figure (r, "reactions")->value, ==, "1");
  }
  {
    g_autoptr(MarReport) r = mar_shift_log_build_report (log, MAR_REPORT_INTAKE, rw_at (w, 240));
    MarReportTable *patients = table (r, "patients");

    g_assert_cmpuint (patients->rows->len, ==, 12);
    g_assert_cmpstr (cell (patients, 0, "bed"), ==, "4W-01");
    g_assert_cmpstr (cell (patients, 0, "iv_intake_ml"), ==, "180 mL");
  }
}

/* Text for a terminal; JSON for scripts. */
static void
test_text_and_json (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarShiftLog) log = NULL;
  g_autoptr(MarReport) report = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  JsonObject *root, *first;
  JsonArray *rows;

  document (w);
  log = load_day (w, 240);
  report = mar_shift_log_build_report (log, MAR_REPORT_SHIFT_LOG, rw_at (w, 240));
  text = mar_report_to_text (report);
  g_assert_true (g_str_has_prefix (text, "Shift log — " UNIT_NAME "\nDay shift, Thursday 15 January 2026, 07:00–19:00\n"
                                         "Printed 2026-01-15 14:00 EST\nNot signed off\n"));
  g_assert_nonnull (strstr (text, "KETTLEBY, Hiroshi"));
  g_assert_nonnull (strstr (text, "By nurse"));

  node = mar_report_to_json (report);
  root = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (root, "report"), ==, "shift-log");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (root, "unit"), "id"), ==, "loc-4w");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (root, "shift"), "start"), ==,
                   "2026-01-15T07:00:00-05:00");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (root, "summary"), "overrides"), ==, "2");
  rows = json_object_get_array_member (json_array_get_object_element (json_object_get_array_member (root, "tables"), 0),
                                       "rows");
  g_assert_cmpuint (json_array_get_length (rows), ==, mar_shift_log_get_summary (log)->events);
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      first = json_array_get_object_element (rows, i);
      if (g_strcmp0 (json_object_get_string_member (first, "bed"), "4W-10") == 0 &&
          g_strcmp0 (json_object_get_string_member (first, "time"), "2026-01-15T10:05:00-05:00") == 0)
        {
          g_assert_cmpstr (json_object_get_string_member (first, "flags"), ==,
                           "override,late,unable-to-scan,keyed,unsynced");
          g_assert_cmpstr (json_object_get_string_member (first, "rate"), ==, "100");
          return;
        }
    }
  g_assert_not_reached ();
}

/* PDF ----------------------------------------------------------------------------- */

static char *
run_tool (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status;

  g_autofree char *program = g_find_program_in_path (argv[0]);

  if (program == NULL)
    g_error ("%s is missing: install poppler-utils (tools/install-deps)", argv[0]);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                               NULL, &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return out;
}

static char *
write_pdf (MarReport      *report,
           MarReportPaper  paper)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = mar_report_to_pdf (report, paper, &error);
  char *path = g_build_filename (g_get_tmp_dir (), "report.pdf", NULL);

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (g_bytes_get_data (pdf, NULL), "%PDF-"));
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf), &error));
  return path;
}

static guint
pdf_pages (const char *path)
{
  const char *argv[] = { "pdfinfo", path, NULL };
  g_autofree char *info = run_tool (argv);
  const char *pages = strstr (info, "Pages:");

  g_assert_nonnull (pages);
  return (guint) g_ascii_strtoull (pages + strlen ("Pages:") + strspn (pages + 6, " "), NULL, 10);
}

static char *
pdf_page_text (const char *path,
               guint       page)
{
  g_autofree char *number = g_strdup_printf ("%u", page);
  const char *argv[] = { "pdftotext", "-f", number, "-l", number, "-layout", path, "-", NULL };

  return run_tool (argv);
}

/* A long shift log (a bag paused and resumed all day, a long review note)
 * on several pages: each with the unit, the shift, the print time and
 * "Page N of M", the table's column headings repeated; the note whole. */
static void
test_pdf_pages (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarInfusion) bag = rw_start_nacl (w, RW_NACL_S01, 0, 75);
  g_autoptr(MarShiftLog) log = NULL;
  g_autoptr(MarReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) note = g_string_new (NULL);
  g_autofree char *path = NULL;
  g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, bag->created_seq);
  guint pages;

  for (guint i = 1; i <= 100; i++)
    {
      MarRecordContext context = rw_context (w, 3 * i, w->nurse, NULL);

      if (i % 2 == 1)
        g_assert_true (mar_record_pause (w->record, &context, bag->id, "patient-care", NULL, &error));
      else
        g_assert_true (mar_record_resume (w->record, &context, bag->id, NULL, &error));
      g_assert_no_error (error);
    }
  while (note->len + 2 * strlen ("pump reprogrammed and checked by two nurses; ") < MAR_SHIFT_NOTE_MAX_CHARS)
    g_string_append (note, "pump reprogrammed and checked by two nurses; ");
  g_string_append (note, "ENDOFNOTE");
  g_assert_cmpint (mar_shift_log_add_note (w->store, number, w->charge, note->str, rw_at (w, 320), &error), >, 0);
  g_assert_no_error (error);

  log = load_day (w, 330);
  report = mar_shift_log_build_report (log, MAR_REPORT_SHIFT_LOG, rw_at (w, 330));
  path = write_pdf (report, MAR_REPORT_PAPER_A4);
  pages = pdf_pages (path);
  g_assert_cmpuint (pages, >=, 3);
  for (guint page = 1; page <= pages; page++)
    {
      g_autofree char *text = pdf_page_text (path, page);
      g_autofree char *of = g_strdup_printf ("Page %u of %u", page, pages);

      g_test_message ("page %u: %zu bytes of text", page, strlen (text));
      g_assert_nonnull (strstr (text, UNIT_NAME));
      g_assert_nonnull (strstr (text, "Shift log"));
      g_assert_nonnull (strstr (text, "Day shift, Thursday 15 January 2026, 07:00–19:00"));
      g_assert_nonnull (strstr (text, "Printed 2026-01-15 15:30 EST"));
      g_assert_nonnull (strstr (text, of));
      g_assert_nonnull (strstr (text, "Not signed off"));
      if (page < pages)
        {
          /* The events table runs over every page but the last (the
           * totals by patient and nurse follow it). */
          g_assert_nonnull (strstr (text, "Medication"));
          g_assert_nonnull (strstr (text, "Witness"));
        }
      if (page > 1 && page < pages)
        g_assert_nonnull (strstr (text, "Events (continued)"));
    }
  {
    guint found = 0;

    for (guint page = 1; page <= pages; page++)
      {
        g_autofree char *text = pdf_page_text (path, page);

        found += strstr (text, "ENDOFNOTE") != NULL;
      }
    g_assert_cmpuint (found, ==, 1);
  }
  if (g_getenv ("MAR_TEST_KEEP_PDF") != NULL)
    g_test_message ("PDF kept at %s", path);
  else
    g_unlink (path);
}

/* Landscape A4 or US Letter. */
static void
test_pdf_paper (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarShiftLog) log = load_day (w, 60);
  g_autoptr(MarReport) report = mar_shift_log_build_report (log, MAR_REPORT_BAGS, rw_at (w, 60));
  g_autofree char *a4 = write_pdf (report, MAR_REPORT_PAPER_A4);
  const char *argv[] = { "pdfinfo", a4, NULL };
  g_autofree char *info = run_tool (argv);
  g_autofree char *letter = NULL;
  g_autofree char *letter_info = NULL;
  g_autofree char *text = NULL;

  g_assert_nonnull (strstr (info, "841.89 x 595.28 pts (A4)"));
  g_assert_nonnull (strstr (info, "Title:"));
  text = pdf_page_text (a4, 1);
  g_assert_nonnull (strstr (text, "IV bag status"));
  g_assert_nonnull (strstr (text, "No IV bag in this shift"));
  g_assert_nonnull (strstr (text, "Page 1 of 1"));
  letter = write_pdf (report, MAR_REPORT_PAPER_LETTER);
  argv[1] = letter;
  letter_info = run_tool (argv);
  g_assert_nonnull (strstr (letter_info, "792 x 612 pts (letter)"));
  g_unlink (letter);
}

static gboolean
has_ink (cairo_surface_t *surface)
{
  const unsigned char *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);

  cairo_surface_flush (surface);
  for (int y = 0; y < cairo_image_surface_get_height (surface); y++)
    for (int x = 0; x < cairo_image_surface_get_width (surface); x++)
      {
        guint32 pixel;

        /* RGB24: 32 bits per pixel, the top 8 unused. */
        memcpy (&pixel, data + y * stride + 4 * x, sizeof pixel);
        if ((pixel & 0xffffff) != 0xffffff)
          return TRUE;
      }
  return FALSE;
}

/* The GUI's print operation draws on its own cairo_t, page by page: the
 * same pages on an image surface as in the PDF. */
static void
test_render_any_cairo (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarShiftLog) log = NULL;
  g_autoptr(MarReport) report = NULL;
  g_autoptr(MarReportLayout) layout = NULL;
  g_autofree char *path = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  double width, height;
  guint n;

  document (w);
  log = load_day (w, 240);
  report = mar_shift_log_build_report (log, MAR_REPORT_SHIFT_LOG, rw_at (w, 240));
  mar_report_paper_get_size (MAR_REPORT_PAPER_LETTER, &width, &height);
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) width, (int) height);
  cr = cairo_create (surface);
  layout = mar_report_layout_new (report, cr, width, height);
  n = mar_report_layout_get_n_pages (layout);
  g_assert_cmpuint (n, >=, 1);
  g_assert_cmpuint (mar_report_get_n_pages (report, cr, width, height), ==, n);
  for (guint page = 0; page < n; page++)
    {
      mar_report_layout_render_page (layout, cr, page);
      g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
      g_assert_true (has_ink (surface));
    }
  mar_report_render_page (report, cr, n - 1, width, height);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);

  path = write_pdf (report, MAR_REPORT_PAPER_LETTER);
  g_assert_cmpuint (pdf_pages (path), ==, n);
  g_unlink (path);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/report/csv/field", test_csv_field);
  g_test_add_func ("/core/report/csv/document", test_csv_document);
  g_test_add_func ("/core/report/csv/formula-from-record", test_csv_formula_from_record);
  g_test_add_func ("/core/report/kinds", test_report_kinds);
  g_test_add_func ("/core/report/rates-to-the-hundredth", test_rates_to_the_hundredth);
  g_test_add_func ("/core/report/text-and-json", test_text_and_json);
  g_test_add_func ("/core/report/pdf/pages", test_pdf_pages);
  g_test_add_func ("/core/report/pdf/paper", test_pdf_paper);
  g_test_add_func ("/core/report/render/any-cairo", test_render_any_cairo);
  return g_test_run ();
}
