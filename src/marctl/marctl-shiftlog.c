/* marctl-shiftlog.c — marctl shiftlog [sign-off | note], marctl report [downtime]
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The shift log of a unit and shift, and each report, as text, CSV or PDF
 * (the same core functions and renderer the charge nurse's screen uses);
 * the charge nurse's review notes and sign-off with badge and PIN (PIN on
 * standard input, as the record's commands read it). docs/shift-log.md.
 */

#define G_LOG_DOMAIN "marctl"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "marctl.h"
#include "mar-downtime.h"
#include "mar-report-render.h"
#include "mar-shift-log.h"
#include "mar-time.h"

typedef struct
{
  char     *unit;
  char     *date;
  char     *shift;
  char     *format;
  char     *output;
  char     *paper;
  char     *nurse;
  char     *at;
  char     *text;
  gboolean  json;
} ShiftOptions;

static void
shift_options_clear (ShiftOptions *o)
{
  g_free (o->unit);
  g_free (o->date);
  g_free (o->shift);
  g_free (o->format);
  g_free (o->output);
  g_free (o->paper);
  g_free (o->nurse);
  g_free (o->at);
  g_free (o->text);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ShiftOptions, shift_options_clear)

#define SHIFT_ENTRIES(o) \
  { "unit", 0, 0, G_OPTION_ARG_STRING, &(o).unit, N_("The unit: its Location id or name. Default: [unit] location"), "UNIT" }, \
  { "date", 0, 0, G_OPTION_ARG_STRING, &(o).date, N_("The date the shift begins on (YYYY-MM-DD). Default: the current shift"), "DATE" }, \
  { "shift", 0, 0, G_OPTION_ARG_STRING, &(o).shift, N_("The shift: day, night, or as configured"), "SHIFT" }, \
  { "at", 0, 0, G_OPTION_ARG_STRING, &(o).at, N_("Read the log as of this time (ISO 8601). Default: now"), "TIME" }, \
  { "json", 0, 0, G_OPTION_ARG_NONE, &(o).json, N_("Print one JSON object"), NULL }

#define OUTPUT_ENTRIES(o) \
  { "format", 0, 0, G_OPTION_ARG_STRING, &(o).format, N_("text (default), csv or pdf"), "FORMAT" }, \
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, &(o).output, N_("Write to FILE (- for standard output); pdf needs it"), "FILE" }, \
  { "paper", 0, 0, G_OPTION_ARG_STRING, &(o).paper, N_("PDF paper, landscape: a4 (default) or letter"), "PAPER" }

/* What a command works on: the session (store, record, signed-in nurse),
 * the unit, the shift, the log. */
typedef struct
{
  MarctlSession  session;
  char          *unit_id;
  MarShift       shift;
  MarShiftLog   *log;
} Review;

static void
review_clear (Review *r)
{
  g_clear_object (&r->log);
  g_clear_pointer (&r->unit_id, g_free);
  mar_shift_clear (&r->shift);
  marctl_session_clear (&r->session);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Review, review_clear)

static int
error_status (const GError *error)
{
  if (error->domain == MAR_SHIFT_ERROR)
    return error->code == MAR_SHIFT_ERROR_INVALID_PLAN ? MARCTL_EXIT_CONFIG : MARCTL_EXIT_USAGE;
  if (error->domain == MAR_SHIFT_LOG_ERROR)
    {
      switch (error->code)
        {
        case MAR_SHIFT_LOG_ERROR_UNKNOWN_UNIT:
        case MAR_SHIFT_LOG_ERROR_UNKNOWN_EVENT:
          return MARCTL_EXIT_NOINPUT;
        case MAR_SHIFT_LOG_ERROR_AMBIGUOUS_UNIT:
        case MAR_SHIFT_LOG_ERROR_INVALID:
        case MAR_SHIFT_LOG_ERROR_ALREADY_SIGNED_OFF:
          return MARCTL_EXIT_DATAERR;
        case MAR_SHIFT_LOG_ERROR_NOT_ALLOWED:
          return MARCTL_EXIT_NOPERM;
        case MAR_SHIFT_LOG_ERROR_NOT_STARTED:
          return MARCTL_EXIT_BLOCK;
        case MAR_SHIFT_LOG_ERROR_CHANGED:
          return MARCTL_EXIT_TEMPFAIL;
        default:
          return MARCTL_EXIT_SOFTWARE;
        }
    }
  return marctl_exit_code_for_error (error);
}

static int
fail (const GError *error)
{
  marctl_print_error ("%s", error->message);
  return error_status (error);
}

/* Opens the session (signing the charge nurse in when @acts), resolves
 * the unit and the shift, and loads the log. */
static int
review_open (MarctlContext      *ctx,
             Review             *r,
             const ShiftOptions *o,
             gboolean            acts)
{
  MarctlActOptions act = { .nurse = o->nurse, .at = o->at, .json = o->json };
  g_autoptr(MarShiftPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  /* The terminal's own unit ([unit] location) unless another is named. */
  g_autofree char *configured = o->unit == NULL ? mar_config_dup_string (ctx->config, "unit", "location") : NULL;
  const char *unit = o->unit != NULL ? o->unit : configured;

  if (unit == NULL)
    {
      marctl_print_error (_("which unit? give --unit UNIT (its Location id or name)"));
      return MARCTL_EXIT_USAGE;
    }
  if ((o->date == NULL) != (o->shift == NULL))
    {
      marctl_print_error (_("give both --date and --shift, or neither for the current shift"));
      return MARCTL_EXIT_USAGE;
    }
  status = marctl_session_open (ctx, &r->session, &act, acts);
  if (status != MARCTL_EXIT_OK)
    return status;
  if (!mar_shift_log_resolve_unit (r->session.store, unit, &r->unit_id, NULL, &error))
    return fail (error);
  plan = mar_shift_plan_new_from_config (ctx->config, r->unit_id, &error);
  if (plan == NULL)
    return fail (error);
  if (o->date != NULL)
    {
      if (!mar_shift_plan_resolve (plan, ctx->time_zone, o->shift, o->date, &r->shift, &error))
        return fail (error);
    }
  else
    mar_shift_plan_find (plan, ctx->time_zone, r->session.at, &r->shift);

  r->log = mar_shift_log_load (r->session.store, mar_verifier_get_library (r->session.verifier),
                               ctx->time_zone, r->unit_id, &r->shift, r->session.at, &error);
  if (r->log == NULL)
    return fail (error);
  return MARCTL_EXIT_OK;
}

static gboolean
write_output (const char  *path,
              const char  *data,
              gsize        length,
              GError     **error)
{
  if (path == NULL || g_str_equal (path, "-"))
    {
      if (fwrite (data, 1, length, stdout) != length || fflush (stdout) != 0)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Standard output cannot be written"));
          return FALSE;
        }
      return TRUE;
    }
  return g_file_set_contents_full (path, data, length, G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}

/* Prints @report in the format asked for. */
static int
print_report (MarctlContext      *ctx,
              Review             *r,
              const ShiftOptions *o,
              MarReport          *report)
{
  g_autoptr(GError) error = NULL;
  const char *format = o->format != NULL ? o->format : "text";

  if (g_str_equal (format, "pdf"))
    {
      MarReportPaper paper = MAR_REPORT_PAPER_A4;
      g_autoptr(GBytes) pdf = NULL;

      if (o->paper != NULL && !mar_report_paper_from_string (o->paper, &paper))
        {
          marctl_print_error (_("--paper %s: expected a4 or letter"), o->paper);
          return MARCTL_EXIT_USAGE;
        }
      if (o->output == NULL || (g_str_equal (o->output, "-") && isatty (STDOUT_FILENO)))
        {
          marctl_print_error (_("a PDF goes to a file: give -o FILE (or -o - into a pipe)"));
          return MARCTL_EXIT_USAGE;
        }
      pdf = mar_report_to_pdf (report, paper, &error);
      if (pdf == NULL || !write_output (o->output, g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf), &error))
        {
          marctl_print_error ("%s", error->message);
          return MARCTL_EXIT_CANTCREAT;
        }
    }
  else if (g_str_equal (format, "csv") || g_str_equal (format, "text"))
    {
      /* The downtime printout has a table per patient: one CSV of all. */
      g_autofree char *text = !g_str_equal (format, "csv") ? mar_report_to_text (report)
                              : report->kind == MAR_REPORT_DOWNTIME ? mar_report_to_csv_all (report)
                              : mar_report_to_csv (report, 0);

      if (!write_output (o->output, text, strlen (text), &error))
        {
          marctl_print_error ("%s", error->message);
          return MARCTL_EXIT_CANTCREAT;
        }
    }
  else
    {
      marctl_print_error (_("--format %s: expected text, csv or pdf"), format);
      return MARCTL_EXIT_USAGE;
    }
  return MARCTL_EXIT_OK;
}

static gboolean
parse (GOptionContext  *context,
       GOptionEntry    *entries,
       const char      *summary,
       int             *argc,
       char          ***argv)
{
  g_autoptr(GError) error = NULL;

  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      marctl_print_error ("%s", error->message);
      return FALSE;
    }
  return TRUE;
}

static int
run_view (MarctlContext *ctx,
          int            argc,
          char         **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("");
  g_auto(ShiftOptions) o = { 0 };
  g_auto(Review) r = { 0 };
  g_autoptr(MarReport) report = NULL;
  int status;
  GOptionEntry entries[] = { SHIFT_ENTRIES (o), OUTPUT_ENTRIES (o), { NULL } };

  if (!parse (context, entries, _("The shift log of a unit: every event of the shift, its flags, IV intake.\n"
                                  "Also: marctl shiftlog sign-off …, marctl shiftlog note EVENT …"),
              &argc, &argv))
    return MARCTL_EXIT_USAGE;
  if (argc != 1)
    {
      marctl_print_error (_("usage: marctl shiftlog --unit U [--date D --shift S] [--format text|csv|pdf] [-o FILE]"));
      return MARCTL_EXIT_USAGE;
    }
  status = review_open (ctx, &r, &o, FALSE);
  if (status != MARCTL_EXIT_OK)
    return status;
  if (o.json && o.format == NULL)
    {
      g_autoptr(JsonNode) node = mar_shift_log_to_json (r.log);

      marctl_print_json (node);
      return MARCTL_EXIT_OK;
    }
  report = mar_shift_log_build_report (r.log, MAR_REPORT_SHIFT_LOG, r.session.now);
  return print_report (ctx, &r, &o, report);
}

static int
run_sign_off (MarctlContext *ctx,
              int            argc,
              char         **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("");
  g_auto(ShiftOptions) o = { 0 };
  g_auto(Review) r = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gint64 seq = 0;
  int status;
  GOptionEntry entries[] = {
    SHIFT_ENTRIES (o),
    { "nurse", 0, 0, G_OPTION_ARG_STRING, &o.nurse, N_("Badge of the charge nurse who signs off (PIN on standard input)"), "BADGE" },
    { NULL }
  };

  if (!parse (context, entries, _("Sign the shift off (charge nurse, badge and PIN): recorded in the audit trail"),
              &argc, &argv))
    return MARCTL_EXIT_USAGE;
  if (argc != 1 || o.nurse == NULL)
    {
      marctl_print_error (_("usage: marctl shiftlog sign-off --unit U --date D --shift S --nurse BADGE"));
      return MARCTL_EXIT_USAGE;
    }
  /* A sign-off is made now, on the terminal's clock, like the PIN it
   * needs: the log is the log as it stands now. */
  g_clear_pointer (&o.at, g_free);
  status = review_open (ctx, &r, &o, TRUE);
  if (status != MARCTL_EXIT_OK)
    return status;
  if (!mar_shift_log_sign_off (r.log, r.session.store, r.session.nurse, r.session.now, &seq, &error))
    return fail (error);

  text = mar_shift_log_dup_sign_off_text (r.log);
  if (o.json)
    {
      g_autoptr(JsonNode) node = marctl_json_object_new ();
      JsonObject *object = json_node_get_object (node);
      const MarShiftSignOff *sign_off = mar_shift_log_get_sign_off (r.log);
      g_autofree char *date = mar_shift_dup_date (&r.shift);
      g_autofree char *at = mar_time_format_iso (sign_off->signed_at, ctx->time_zone);

      json_object_set_int_member (object, "entry", seq);
      json_object_set_string_member (object, "unit", r.unit_id);
      json_object_set_string_member (object, "shift", r.shift.name);
      json_object_set_string_member (object, "date", date);
      json_object_set_string_member (object, "by", sign_off->staff_id);
      json_object_set_string_member (object, "by_name", sign_off->staff_name);
      json_object_set_string_member (object, "at", at);
      json_object_set_int_member (object, "events", sign_off->events);
      json_object_set_string_member (object, "digest", sign_off->digest);
      marctl_print_json (node);
    }
  else
    g_print ("%s\n", text);
  return MARCTL_EXIT_OK;
}

static int
run_note (MarctlContext *ctx,
          int            argc,
          char         **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("EVENT");
  g_auto(ShiftOptions) o = { 0 };
  g_auto(MarctlSession) session = { 0 };
  g_autoptr(GError) error = NULL;
  MarctlActOptions act = { 0 };
  gint64 seq;
  int status;
  GOptionEntry entries[] = {
    { "nurse", 0, 0, G_OPTION_ARG_STRING, &o.nurse, N_("Badge of the charge nurse (PIN on standard input)"), "BADGE" },
    { "text", 0, 0, G_OPTION_ARG_STRING, &o.text, N_("The note"), "TEXT" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o.json, N_("Print one JSON object"), NULL },
    { NULL }
  };

  if (!parse (context, entries, _("Add a review note to a shift-log event: an entry number, "
                                  "administration:ID:start|end or missed:ORDER:DUE (the key in --json)"),
              &argc, &argv))
    return MARCTL_EXIT_USAGE;
  if (argc != 2 || o.nurse == NULL || o.text == NULL)
    {
      marctl_print_error (_("usage: marctl shiftlog note EVENT --nurse BADGE --text TEXT"));
      return MARCTL_EXIT_USAGE;
    }
  act.nurse = o.nurse;
  act.json = o.json;
  status = marctl_session_open (ctx, &session, &act, TRUE);
  if (status != MARCTL_EXIT_OK)
    return status;
  seq = mar_shift_log_add_note (session.store, argv[1], session.nurse, o.text, session.now, &error);
  if (seq == 0)
    return fail (error);
  if (o.json)
    {
      g_autoptr(JsonNode) node = marctl_json_object_new ();

      json_object_set_int_member (json_node_get_object (node), "entry", seq);
      json_object_set_string_member (json_node_get_object (node), "event", argv[1]);
      marctl_print_json (node);
    }
  else
    {
      g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, seq);
      g_print (_("Review note recorded (entry %s)\n"), number);
    }
  return MARCTL_EXIT_OK;
}

int
marctl_shiftlog_run (MarctlContext *ctx,
                     int            argc,
                     char         **argv)
{
  if (argc >= 2 && g_str_equal (argv[1], "sign-off"))
    return run_sign_off (ctx, argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "note"))
    return run_note (ctx, argc - 1, argv + 1);
  return run_view (ctx, argc, argv);
}

static int
downtime_error_status (const GError *error)
{
  if (error->domain == MAR_DOWNTIME_ERROR)
    return MARCTL_EXIT_USAGE;
  return error_status (error);
}

/* marctl report downtime: the paper MAR for when the terminal is down
 * (issue 8, part 3; mar-downtime.h). Not a shift report: it is as of now
 * (or --at) and looks --hours ahead. */
static int
run_downtime (MarctlContext *ctx,
              int            argc,
              char         **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("");
  g_auto(ShiftOptions) o = { 0 };
  g_auto(MarctlSession) session = { 0 };
  g_autoptr(MarReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *configured = NULL;
  g_autofree char *unit_id = NULL;
  MarctlActOptions act = { 0 };
  const char *unit;
  int hours = MAR_DOWNTIME_DEFAULT_HOURS;
  int status;
  GOptionEntry entries[] = {
    { "unit", 0, 0, G_OPTION_ARG_STRING, &o.unit, N_("The unit: its Location id or name. Default: [unit] location"), "UNIT" },
    { "hours", 0, 0, G_OPTION_ARG_INT, &hours, N_("List the doses due in the next N hours (default 12, at most 72)"), "N" },
    { "at", 0, 0, G_OPTION_ARG_STRING, &o.at, N_("Print as of this time (ISO 8601). Default: now"), "TIME" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o.json, N_("Print one JSON object"), NULL },
    { "format", 0, 0, G_OPTION_ARG_STRING, &o.format, N_("text (default), csv, pdf or json"), "FORMAT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &o.output, N_("Write to FILE (- for standard output); pdf needs it"), "FILE" },
    { "paper", 0, 0, G_OPTION_ARG_STRING, &o.paper, N_("PDF paper, landscape: a4 (default) or letter"), "PAPER" },
    { NULL }
  };

  if (!parse (context, entries, _("The downtime printout: every patient's allergies, active IV orders, doses due "
                                  "with boxes to chart by hand, and the bags hanging now"),
              &argc, &argv))
    return MARCTL_EXIT_USAGE;
  if (argc != 1 || hours < 1 || hours > MAR_DOWNTIME_MAX_HOURS)
    {
      marctl_print_error (_("usage: marctl report downtime [--unit U] [--hours 1-72] "
                            "[--format text|csv|pdf|json] [-o FILE]"));
      return MARCTL_EXIT_USAGE;
    }
  configured = o.unit == NULL ? mar_config_dup_string (ctx->config, "unit", "location") : NULL;
  unit = o.unit != NULL ? o.unit : configured;
  if (unit == NULL)
    {
      marctl_print_error (_("which unit? give --unit UNIT (its Location id or name)"));
      return MARCTL_EXIT_USAGE;
    }
  act.at = o.at;
  status = marctl_session_open (ctx, &session, &act, FALSE);
  if (status != MARCTL_EXIT_OK)
    return status;
  if (!mar_shift_log_resolve_unit (session.store, unit, &unit_id, NULL, &error))
    return fail (error);
  report = mar_downtime_report_build (session.verifier, session.record, unit_id, session.at, (guint) hours, &error);
  if (report == NULL)
    {
      marctl_print_error ("%s", error->message);
      return downtime_error_status (error);
    }
  if ((o.json && o.format == NULL) || g_strcmp0 (o.format, "json") == 0)
    {
      g_autoptr(JsonNode) node = mar_report_to_json (report);

      if (o.output != NULL && !g_str_equal (o.output, "-"))
        {
          g_autofree char *text = json_to_string (node, TRUE);

          if (!write_output (o.output, text, strlen (text), &error))
            {
              marctl_print_error ("%s", error->message);
              return MARCTL_EXIT_CANTCREAT;
            }
          return MARCTL_EXIT_OK;
        }
      marctl_print_json (node);
      return MARCTL_EXIT_OK;
    }
  return print_report (ctx, NULL, &o, report);
}

int
marctl_report_run (MarctlContext *ctx,
                   int            argc,
                   char         **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("missed|variance|unable-to-scan|bags|reactions|intake|downtime");
  g_auto(ShiftOptions) o = { 0 };
  g_auto(Review) r = { 0 };
  g_autoptr(MarReport) report = NULL;
  MarReportKind kind;
  int status;
  GOptionEntry entries[] = { SHIFT_ENTRIES (o), OUTPUT_ENTRIES (o), { NULL } };

  if (argc >= 2 && g_str_equal (argv[1], "downtime"))
    return run_downtime (ctx, argc - 1, argv + 1);
  if (!parse (context, entries, _("A report of one shift: missed medications, medication variance, "
                                  "unable-to-scan rate, IV bag status, reactions, IV intake"),
              &argc, &argv))
    return MARCTL_EXIT_USAGE;
  if (argc != 2 || !mar_report_kind_from_string (argv[1], &kind) || kind == MAR_REPORT_SHIFT_LOG ||
      kind == MAR_REPORT_DOWNTIME)
    {
      marctl_print_error (_("usage: marctl report missed|variance|unable-to-scan|bags|reactions|intake "
                            "--unit U [--date D --shift S] [--format text|csv|pdf] [-o FILE]; "
                            "marctl report downtime [--hours N] …"));
      return MARCTL_EXIT_USAGE;
    }
  status = review_open (ctx, &r, &o, FALSE);
  if (status != MARCTL_EXIT_OK)
    return status;
  report = mar_shift_log_build_report (r.log, kind, r.session.now);
  if (o.json && o.format == NULL)
    {
      g_autoptr(JsonNode) node = mar_report_to_json (report);

      marctl_print_json (node);
      return MARCTL_EXIT_OK;
    }
  return print_report (ctx, &r, &o, report);
}
