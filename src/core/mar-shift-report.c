/* mar-shift-report.c — the shift log and the charge nurse's reports as printable documents
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One MarReport per report (mar-report.h) from one load of the shift log,
 * so the screen, CSV, text and PDF show the same figures.
 */

#define G_LOG_DOMAIN "mar-shift-log"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "mar-shift-log-private.h"
#include "mar-time.h"
#include "mar-vocabulary.h"

/* What the charge nurse must look at: printed with a marker. */
#define ATTENTION_FLAGS (MAR_SHIFT_FLAG_MISSED | MAR_SHIFT_FLAG_REACTION | MAR_SHIFT_FLAG_OVERRIDE | \
                         MAR_SHIFT_FLAG_LATE | MAR_SHIFT_FLAG_EARLY | MAR_SHIFT_FLAG_UNABLE_TO_SCAN | \
                         MAR_SHIFT_FLAG_LATE_ENTRY | MAR_SHIFT_FLAG_AFTER_SIGN_OFF)

static MarReportRowStyle
row_style (MarShiftFlags flags)
{
  MarReportRowStyle style = MAR_REPORT_ROW_PLAIN;

  if (flags & ATTENTION_FLAGS)
    style |= MAR_REPORT_ROW_FLAGGED;
  if (flags & MAR_SHIFT_FLAG_ENTERED_IN_ERROR)
    style |= MAR_REPORT_ROW_ENTERED_IN_ERROR;
  return style;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

static char *
count_text (guint n)
{
  return g_strdup_printf ("%u", n);
}

static char *
ml_text (double ml)
{
  return mar_shift_log_format_amount (ml, ml < 100 ? 1 : 0, "mL");
}

/* A number for machines: a dot, at most @decimals, no trailing zeros
 * ("75", "12.96", "412.5"). */
static char *
machine_number (double value,
                int    decimals)
{
  char format[8];
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  gsize n;

  if (isnan (value))
    return NULL;
  g_snprintf (format, sizeof format, "%%.%df", decimals);
  g_ascii_formatd (buffer, sizeof buffer, format, value);
  n = strlen (buffer);
  if (strchr (buffer, '.') != NULL)
    {
      while (n > 0 && buffer[n - 1] == '0')
        buffer[--n] = '\0';
      if (n > 0 && buffer[n - 1] == '.')
        buffer[--n] = '\0';
    }
  if (strcmp (buffer, "-0") == 0)
    return g_strdup ("0");
  return g_strdup (buffer);
}

static char *
ml_value (double ml)
{
  return machine_number (ml, 1);
}

/* Rates to the hundredth of a mL/h, as pumps take them. */
static char *
number_value (double value)
{
  return machine_number (value, 2);
}

static char *
time_text (MarShiftLog *log,
           gint64       t,
           const char  *format)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (t);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, mar_shift_log_get_time_zone (log));
  gboolean with_zone = mar_shift_spans_offset_change (mar_shift_log_get_shift (log),
                                                      mar_shift_log_get_time_zone (log));
  g_autofree char *with = NULL;

  if (!with_zone)
    return g_date_time_format (local, format);
  with = g_strconcat (format, " %Z", NULL);
  return g_date_time_format (local, with);
}

static void
figure_count (MarReport  *report,
              const char *key,
              const char *label,
              guint       n)
{
  g_autofree char *text = count_text (n);

  mar_report_add_figure (report, key, label, text, NULL);
}

static void
figure_ml (MarReport  *report,
           const char *key,
           const char *label,
           double      ml)
{
  g_autofree char *text = ml_text (ml);
  g_autofree char *value = ml_value (ml);

  mar_report_add_figure (report, key, label, text, value);
}

static void
figure_rate (MarReport *report,
             guint      part,
             guint      whole)
{
  g_autofree char *text = NULL;
  g_autofree char *value = NULL;
  double percent = whole > 0 ? 100.0 * part / whole : 0;

  /* TRANSLATORS: unable-to-scan rate: "3 of 40 (7.5%)" */
  text = g_strdup_printf (_("%u of %u (%.1f%%)"), part, whole, percent);
  value = machine_number (percent, 1);
  mar_report_add_figure (report, "unable_to_scan_rate", _("Unable-to-scan rate"), text, value);
}

static MarReport *
report_new (MarShiftLog   *log,
            MarReportKind  kind,
            gint64         printed_at)
{
  MarReport *report = mar_report_new (kind, mar_shift_log_get_time_zone (log));
  const MarShift *shift = mar_shift_log_get_shift (log);

  report->unit_id = g_strdup (mar_shift_log_get_unit_id (log));
  report->unit_name = g_strdup (mar_shift_log_get_unit_name (log));
  report->shift_name = g_strdup (shift->name);
  report->shift_date = mar_shift_dup_date (shift);
  report->shift_label = mar_shift_dup_label (shift, mar_shift_log_get_time_zone (log));
  report->shift_start = shift->start;
  report->shift_end = shift->end;
  report->printed_at = printed_at;
  report->sign_off = mar_shift_log_dup_sign_off_text (log);
  return report;
}

/* The columns every event table starts with. */
static void
event_columns (MarReportTable *table,
               gboolean        with_entry)
{
  if (with_entry)
    mar_report_table_add_column (table, "entry", _("No."), 3, MAR_REPORT_ALIGN_END);
  mar_report_table_add_column (table, "time", _("Time"), 4, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "bed", _("Bed"), 3.8, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "patient", _("Patient"), 12.8, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "medication", _("Medication"), 14, MAR_REPORT_ALIGN_START);
}

static void
event_cells (MarShiftLog      *log,
             MarReportTable   *table,
             MarReportRow     *row,
             MarShiftLogEvent *event,
             gboolean          with_entry)
{
  g_autofree char *iso = mar_time_format_iso (mar_shift_log_event_get_time (event), mar_shift_log_get_time_zone (log));

  if (with_entry && mar_shift_log_event_get_entry (event) != 0)
    {
      g_autofree char *entry = g_strdup_printf ("%" G_GINT64_FORMAT, mar_shift_log_event_get_entry (event));
      mar_report_row_set (table, row, "entry", entry, NULL);
    }
  else if (with_entry)
    mar_report_row_set (table, row, "entry", "", mar_shift_log_event_get_key (event));
  mar_report_row_set (table, row, "time", mar_shift_log_event_get_time_text (event), iso);
  mar_report_row_set (table, row, "bed", mar_shift_log_event_get_bed (event), NULL);
  mar_report_row_set (table, row, "patient", mar_shift_log_event_get_patient (event), NULL);
  mar_report_row_set (table, row, "medication", mar_shift_log_event_get_medication (event), NULL);
}

/* Shift log ---------------------------------------------------------------------- */

static void
build_shift_log (MarShiftLog *log,
                 MarReport   *report)
{
  const MarShiftSummary *s = mar_shift_log_get_summary (log);
  MarReportTable *table;
  GPtrArray *patients = mar_shift_log_get_patients (log);
  GPtrArray *nurses = mar_shift_log_get_nurses (log);

  figure_count (report, "events", _("Events"), s->events);
  figure_count (report, "doses_given", _("Bags started"), s->doses_given);
  figure_count (report, "doses_late", _("Late doses"), s->doses_late);
  figure_count (report, "doses_early", _("Early doses"), s->doses_early);
  figure_count (report, "doses_missed", _("Missed doses"), s->doses_missed);
  figure_count (report, "doses_not_given", _("Not given (with reason)"), s->doses_not_given);
  figure_count (report, "overrides", _("Overrides"), s->overrides);
  figure_rate (report, s->unable_to_scan, s->verifications);
  figure_count (report, "reactions", _("Reactions and site complications"), s->reactions);
  figure_count (report, "late_entries", _("Late documentation"), s->late_entries);
  figure_count (report, "unsynced", _("Not yet synced"), s->unsynced);
  figure_count (report, "pulled", _("Charted on other terminals"), s->pulled);
  figure_ml (report, "iv_intake_ml", _("IV intake, all patients"), s->iv_intake_ml);
  if (s->after_sign_off > 0)
    figure_count (report, "after_sign_off", _("After sign-off"), s->after_sign_off);

  table = mar_report_add_table (report, "events", _("Events"), _("Nothing was documented in this shift"));
  event_columns (table, TRUE);
  mar_report_table_add_column (table, "action", _("Action"), 6.5, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "rate", _("Rate"), 6.5, MAR_REPORT_ALIGN_END);
  mar_report_table_add_column (table, "volume", _("Volume"), 5.3, MAR_REPORT_ALIGN_END);
  mar_report_table_add_column (table, "nurse", _("Nurse"), 10.3, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "witness", _("Witness"), 9, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "flags", _("Flags"), 9, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "detail", _("Details"), 16.7, MAR_REPORT_ALIGN_START);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (log)); i++)
    {
      g_autoptr(MarShiftLogEvent) event = g_list_model_get_item (G_LIST_MODEL (log), i);
      MarReportRow *row = mar_report_table_add_row (table, row_style (mar_shift_log_event_get_flags (event)));
      g_autofree char *rate = number_value (mar_shift_log_event_get_rate (event));
      g_autofree char *volume = number_value (mar_shift_log_event_get_volume (event));
      g_autofree char *flags = mar_shift_flags_to_string (mar_shift_log_event_get_flags (event));
      g_autofree char *detail = mar_shift_log_event_dup_printed_detail (event);

      event_cells (log, table, row, event, TRUE);
      mar_report_row_set (table, row, "action", mar_shift_log_event_get_action_label (event), NULL);
      mar_report_row_set (table, row, "rate", mar_shift_log_event_get_rate_text (event), rate);
      mar_report_row_set (table, row, "volume", mar_shift_log_event_get_volume_text (event), volume);
      mar_report_row_set (table, row, "nurse", mar_shift_log_event_get_nurse (event), NULL);
      mar_report_row_set (table, row, "witness", mar_shift_log_event_get_witness (event), NULL);
      mar_report_row_set (table, row, "flags", mar_shift_log_event_get_flags_text (event), flags);
      mar_report_row_set (table, row, "detail", detail, NULL);
    }

  table = mar_report_add_table (report, "patients", _("By patient: IV intake and events"),
                                _("No patient on this unit in this shift"));
  mar_report_table_add_column (table, "bed", _("Bed"), 5, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "patient", _("Patient"), 14, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "mrn", _("MRN"), 8, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "events", _("Events"), 5, MAR_REPORT_ALIGN_END);
  mar_report_table_add_column (table, "bags", _("Bags"), 4, MAR_REPORT_ALIGN_END);
  mar_report_table_add_column (table, "iv_intake_ml", _("IV intake"), 7, MAR_REPORT_ALIGN_END);
  mar_report_table_add_column (table, "flags", _("Flags"), 30, MAR_REPORT_ALIGN_START);
  for (guint i = 0; i < patients->len; i++)
    {
      const MarShiftPatient *p = g_ptr_array_index (patients, i);
      MarReportRow *row = mar_report_table_add_row (table, row_style (p->flags & ~MAR_SHIFT_FLAG_ENTERED_IN_ERROR));
      g_autofree char *events = count_text (p->events);
      g_autofree char *bags = count_text (p->bags);
      g_autofree char *intake = ml_text (p->iv_intake_ml);
      g_autofree char *intake_value = ml_value (p->iv_intake_ml);
      g_autofree char *flags = mar_shift_flags_dup_label (p->flags);
      g_autofree char *codes = mar_shift_flags_to_string (p->flags);

      mar_report_row_set (table, row, "bed", p->bed, NULL);
      mar_report_row_set (table, row, "patient", p->name, NULL);
      mar_report_row_set (table, row, "mrn", p->mrn, NULL);
      mar_report_row_set (table, row, "events", events, NULL);
      mar_report_row_set (table, row, "bags", bags, NULL);
      mar_report_row_set (table, row, "iv_intake_ml", intake, intake_value);
      mar_report_row_set (table, row, "flags", flags, codes);
    }

  table = mar_report_add_table (report, "nurses", _("By nurse"), _("No nurse documented in this shift"));
  mar_report_table_add_column (table, "nurse", _("Nurse"), 14, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "events", _("Events"), 5, MAR_REPORT_ALIGN_END);
  mar_report_table_add_column (table, "verifications", _("Bags verified"), 6, MAR_REPORT_ALIGN_END);
  mar_report_table_add_column (table, "unable_to_scan", _("Unable to scan"), 6, MAR_REPORT_ALIGN_END);
  mar_report_table_add_column (table, "overrides", _("Overrides"), 6, MAR_REPORT_ALIGN_END);
  mar_report_table_add_column (table, "late", _("Late doses"), 6, MAR_REPORT_ALIGN_END);
  mar_report_table_add_column (table, "late_entries", _("Late documentation"), 7, MAR_REPORT_ALIGN_END);
  for (guint i = 0; i < nurses->len; i++)
    {
      const MarShiftNurse *n = g_ptr_array_index (nurses, i);
      MarReportRow *row = mar_report_table_add_row (table, MAR_REPORT_ROW_PLAIN);
      guint values[] = { n->events, n->verifications, n->unable_to_scan, n->overrides, n->late, n->late_entries };
      const char *keys[] = { "events", "verifications", "unable_to_scan", "overrides", "late", "late_entries" };

      mar_report_row_set (table, row, "nurse", n->name, NULL);
      for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
        {
          g_autofree char *text = count_text (values[k]);
          mar_report_row_set (table, row, keys[k], text, NULL);
        }
    }
}

/* Missed medications --------------------------------------------------------------- */

static void
build_missed (MarShiftLog *log,
              MarReport   *report)
{
  MarReportTable *table;

  figure_count (report, "doses_missed", _("Missed doses"), mar_shift_log_get_summary (log)->doses_missed);
  figure_count (report, "doses_not_given", _("Not given (with reason)"),
                mar_shift_log_get_summary (log)->doses_not_given);

  table = mar_report_add_table (report, "missed", _("Missed medications"), _("No missed medications"));
  event_columns (table, FALSE);
  mar_report_table_add_column (table, "mrn", _("MRN"), 7, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "order", _("Order"), 10, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "detail", _("Details"), 22, MAR_REPORT_ALIGN_START);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (log)); i++)
    {
      g_autoptr(MarShiftLogEvent) event = g_list_model_get_item (G_LIST_MODEL (log), i);
      MarReportRow *row;
      g_autofree char *detail = NULL;

      if (!(mar_shift_log_event_get_flags (event) & MAR_SHIFT_FLAG_MISSED))
        continue;
      row = mar_report_table_add_row (table, row_style (mar_shift_log_event_get_flags (event)));
      detail = mar_shift_log_event_dup_printed_detail (event);
      event_cells (log, table, row, event, FALSE);
      mar_report_row_set (table, row, "mrn", mar_shift_log_event_get_mrn (event), NULL);
      mar_report_row_set (table, row, "order", mar_shift_log_event_get_order_id (event), NULL);
      mar_report_row_set (table, row, "detail", detail, NULL);
    }
}

/* Medication variance ---------------------------------------------------------------- */

static const char *
variance_kind_label (const char *kind)
{
  if (g_strcmp0 (kind, "override") == 0)
    return _("Override");
  if (g_strcmp0 (kind, "early") == 0)
    return _("Early dose");
  if (g_strcmp0 (kind, "late") == 0)
    return _("Late dose");
  if (g_strcmp0 (kind, "keyed") == 0)
    return _("Keyed entry");
  if (g_strcmp0 (kind, "unable-to-scan") == 0)
    return _("Unable to scan");
  if (g_strcmp0 (kind, "late-entry") == 0)
    return _("Late documentation");
  return kind;
}

static const char *
scan_label (const char *code)
{
  return g_strcmp0 (code, "patient") == 0 ? _("wristband") : _("bag");
}

static const char *
variance_reason_label (const MarShiftVariance *v)
{
  const MarTerm *term = NULL;

  if (v->reason == NULL)
    return NULL;
  if (g_str_equal (v->kind, "override"))
    term = mar_vocabulary_lookup_override (v->code, v->reason);
  else if (g_str_equal (v->kind, "unable-to-scan"))
    term = mar_vocabulary_lookup (MAR_VOCABULARY_UNABLE_TO_SCAN, v->reason);
  return term != NULL ? mar_term_get_label (term) : v->reason;
}

static int
compare_minutes (gconstpointer a,
                 gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static void
add_timing_row (MarReportTable *table,
                const char     *label,
                GArray         *minutes)
{
  MarReportRow *row = mar_report_table_add_row (table, MAR_REPORT_ROW_PLAIN);
  g_autofree char *count = count_text (minutes->len);
  g_autofree char *median = NULL;
  g_autofree char *max = NULL;

  g_array_sort (minutes, compare_minutes);
  if (minutes->len > 0)
    {
      guint n = minutes->len;
      gint64 m = n % 2 == 1 ? g_array_index (minutes, gint64, n / 2)
                            : (g_array_index (minutes, gint64, n / 2 - 1) + g_array_index (minutes, gint64, n / 2)) / 2;

      median = g_strdup_printf ("%" G_GINT64_FORMAT, m);
      max = g_strdup_printf ("%" G_GINT64_FORMAT, g_array_index (minutes, gint64, n - 1));
    }
  mar_report_row_set (table, row, "kind", label, NULL);
  mar_report_row_set (table, row, "doses", count, NULL);
  mar_report_row_set (table, row, "median", median, NULL);
  mar_report_row_set (table, row, "max", max, NULL);
}

static void
build_variance (MarShiftLog *log,
                MarReport   *report)
{
  GPtrArray *variances = mar_shift_log_get_variances (log);
  g_autoptr(GHashTable) by_reason = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) reasons = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) early = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) late = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint counts[6] = { 0 };
  const char *kinds[] = { "override", "early", "late", "keyed", "unable-to-scan", "late-entry" };
  MarReportTable *table;

  table = mar_report_add_table (report, "variances", _("Variance log"), _("No variances in this shift"));
  event_columns (table, TRUE);
  mar_report_table_add_column (table, "nurse", _("Nurse"), 9, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "kind", _("Variance"), 8, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "code", _("Code"), 10, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "reason", _("Reason"), 12, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "comment", _("Comment"), 12, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "minutes", _("Minutes"), 5, MAR_REPORT_ALIGN_END);
  for (guint i = 0; i < variances->len; i++)
    {
      const MarShiftVariance *v = g_ptr_array_index (variances, i);
      MarShiftFlags flags = mar_shift_log_event_get_flags (v->event);
      MarReportRow *row = mar_report_table_add_row (table, row_style (flags & MAR_SHIFT_FLAG_ENTERED_IN_ERROR));
      g_autofree char *minutes = v->minutes >= 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, v->minutes) : NULL;
      const char *code = g_str_equal (v->kind, "keyed") || g_str_equal (v->kind, "unable-to-scan")
                         ? scan_label (v->code) : g_str_equal (v->kind, "late-entry")
                         ? mar_shift_log_action_label (v->code) : v->code;

      event_cells (log, table, row, v->event, TRUE);
      mar_report_row_set (table, row, "nurse", mar_shift_log_event_get_nurse (v->event), NULL);
      mar_report_row_set (table, row, "kind", variance_kind_label (v->kind), v->kind);
      mar_report_row_set (table, row, "code", code, v->code);
      mar_report_row_set (table, row, "reason", variance_reason_label (v), v->reason);
      mar_report_row_set (table, row, "comment", v->comment, NULL);
      mar_report_row_set (table, row, "minutes", minutes, NULL);

      if (flags & MAR_SHIFT_FLAG_ENTERED_IN_ERROR)
        continue;
      for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
        if (g_str_equal (v->kind, kinds[k]))
          counts[k]++;
      if (g_str_equal (v->kind, "early"))
        g_array_append_val (early, v->minutes);
      else if (g_str_equal (v->kind, "late"))
        g_array_append_val (late, v->minutes);
      else if (g_str_equal (v->kind, "override"))
        {
          char *key = g_strdup_printf ("%s\t%s", v->code, v->reason != NULL ? v->reason : "");
          guint n = GPOINTER_TO_UINT (g_hash_table_lookup (by_reason, key));

          if (n == 0)
            g_ptr_array_add (reasons, g_strdup (key));
          g_hash_table_insert (by_reason, key, GUINT_TO_POINTER (n + 1));
        }
    }
  figure_count (report, "overrides", _("Overrides"), counts[0]);
  figure_count (report, "early", _("Early doses"), counts[1]);
  figure_count (report, "late", _("Late doses"), counts[2]);
  figure_count (report, "keyed", _("Keyed entries"), counts[3]);
  figure_count (report, "unable_to_scan", _("Unable to scan"), counts[4]);
  figure_count (report, "late_entries", _("Late documentation"), counts[5]);

  table = mar_report_add_table (report, "overrides", _("Overrides by code and reason"), _("No overrides"));
  mar_report_table_add_column (table, "code", _("Warning"), 12, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "reason", _("Reason"), 16, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "count", _("Count"), 5, MAR_REPORT_ALIGN_END);
  g_ptr_array_sort (reasons, compare_strings);
  for (guint i = 0; i < reasons->len; i++)
    {
      const char *key = g_ptr_array_index (reasons, i);
      g_auto(GStrv) parts = g_strsplit (key, "\t", 2);
      const MarTerm *term = mar_vocabulary_lookup_override (parts[0], parts[1]);
      MarReportRow *row = mar_report_table_add_row (table, MAR_REPORT_ROW_PLAIN);
      g_autofree char *count = count_text (GPOINTER_TO_UINT (g_hash_table_lookup (by_reason, key)));

      mar_report_row_set (table, row, "code", parts[0], NULL);
      mar_report_row_set (table, row, "reason", term != NULL ? mar_term_get_label (term) : parts[1], parts[1]);
      mar_report_row_set (table, row, "count", count, NULL);
    }

  table = mar_report_add_table (report, "timing", _("Early and late doses (minutes from the due time)"), NULL);
  mar_report_table_add_column (table, "kind", _("Doses"), 10, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "doses", _("Count"), 5, MAR_REPORT_ALIGN_END);
  mar_report_table_add_column (table, "median", _("Median min"), 6, MAR_REPORT_ALIGN_END);
  mar_report_table_add_column (table, "max", _("Most min"), 6, MAR_REPORT_ALIGN_END);
  add_timing_row (table, _("Early"), early);
  add_timing_row (table, _("Late"), late);
}

/* Unable to scan ------------------------------------------------------------------------ */

static void
build_unable_to_scan (MarShiftLog *log,
                      MarReport   *report)
{
  const MarShiftSummary *s = mar_shift_log_get_summary (log);
  GPtrArray *variances = mar_shift_log_get_variances (log);
  GPtrArray *nurses = mar_shift_log_get_nurses (log);
  g_autoptr(GHashTable) by_reason = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) reasons = g_ptr_array_new_with_free_func (g_free);
  guint wristbands = 0, bags = 0;
  MarReportTable *table;

  table = mar_report_add_table (report, "unable_to_scan", _("Scans replaced (unable to scan)"),
                                _("Every wristband and bag was scanned"));
  event_columns (table, TRUE);
  mar_report_table_add_column (table, "nurse", _("Nurse"), 10, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "scan", _("Scan replaced"), 7, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "reason", _("Reason"), 14, MAR_REPORT_ALIGN_START);
  for (guint i = 0; i < variances->len; i++)
    {
      const MarShiftVariance *v = g_ptr_array_index (variances, i);
      MarShiftFlags flags = mar_shift_log_event_get_flags (v->event);
      MarReportRow *row;
      char *key;
      guint n;

      if (!g_str_equal (v->kind, "unable-to-scan"))
        continue;
      row = mar_report_table_add_row (table, row_style (flags & MAR_SHIFT_FLAG_ENTERED_IN_ERROR));
      event_cells (log, table, row, v->event, TRUE);
      mar_report_row_set (table, row, "nurse", mar_shift_log_event_get_nurse (v->event), NULL);
      mar_report_row_set (table, row, "scan", scan_label (v->code), v->code);
      mar_report_row_set (table, row, "reason", variance_reason_label (v), v->reason);
      if (flags & MAR_SHIFT_FLAG_ENTERED_IN_ERROR)
        continue;
      if (g_strcmp0 (v->code, "patient") == 0)
        wristbands++;
      else
        bags++;
      key = g_strdup (v->reason != NULL ? v->reason : "");
      n = GPOINTER_TO_UINT (g_hash_table_lookup (by_reason, key));
      if (n == 0)
        g_ptr_array_add (reasons, g_strdup (key));
      g_hash_table_insert (by_reason, key, GUINT_TO_POINTER (n + 1));
    }

  figure_count (report, "verifications", _("Bags verified at the bedside"), s->verifications);
  figure_count (report, "unable_to_scan", _("With a scan replaced"), s->unable_to_scan);
  figure_rate (report, s->unable_to_scan, s->verifications);
  figure_count (report, "wristbands", _("Wristbands not scanned"), wristbands);
  figure_count (report, "bags", _("Bags not scanned"), bags);
  figure_count (report, "keyed", _("Keyed entries"), s->keyed);

  table = mar_report_add_table (report, "reasons", _("By reason"), _("No scan was replaced"));
  mar_report_table_add_column (table, "reason", _("Reason"), 16, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "count", _("Count"), 5, MAR_REPORT_ALIGN_END);
  g_ptr_array_sort (reasons, compare_strings);
  for (guint i = 0; i < reasons->len; i++)
    {
      const char *reason = g_ptr_array_index (reasons, i);
      const MarTerm *term = mar_vocabulary_lookup (MAR_VOCABULARY_UNABLE_TO_SCAN, reason);
      MarReportRow *row = mar_report_table_add_row (table, MAR_REPORT_ROW_PLAIN);
      g_autofree char *count = count_text (GPOINTER_TO_UINT (g_hash_table_lookup (by_reason, reason)));

      mar_report_row_set (table, row, "reason", term != NULL ? mar_term_get_label (term) : reason, reason);
      mar_report_row_set (table, row, "count", count, NULL);
    }

  table = mar_report_add_table (report, "nurses", _("By nurse"), _("No bag was verified in this shift"));
  mar_report_table_add_column (table, "nurse", _("Nurse"), 14, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "verifications", _("Bags verified"), 6, MAR_REPORT_ALIGN_END);
  mar_report_table_add_column (table, "unable_to_scan", _("Scan replaced"), 6, MAR_REPORT_ALIGN_END);
  mar_report_table_add_column (table, "rate", _("Rate"), 6, MAR_REPORT_ALIGN_END);
  for (guint i = 0; i < nurses->len; i++)
    {
      const MarShiftNurse *n = g_ptr_array_index (nurses, i);
      MarReportRow *row;
      g_autofree char *verified = NULL;
      g_autofree char *unable = NULL;
      g_autofree char *rate = NULL;

      if (n->verifications == 0)
        continue;
      row = mar_report_table_add_row (table, MAR_REPORT_ROW_PLAIN);
      verified = count_text (n->verifications);
      unable = count_text (n->unable_to_scan);
      rate = g_strdup_printf ("%.1f%%", 100.0 * n->unable_to_scan / n->verifications);
      mar_report_row_set (table, row, "nurse", n->name, NULL);
      mar_report_row_set (table, row, "verifications", verified, NULL);
      mar_report_row_set (table, row, "unable_to_scan", unable, NULL);
      mar_report_row_set (table, row, "rate", rate, NULL);
    }
}

/* IV bag status ---------------------------------------------------------------------------- */

static void
bag_cells (MarShiftLog       *log,
           MarReportTable    *table,
           MarReportRow      *row,
           const MarShiftBag *bag)
{
  const MarInfusion *infusion = bag->infusion;
  g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, infusion->id);

  mar_report_row_set (table, row, "bed", bag->bed, NULL);
  mar_report_row_set (table, row, "patient", bag->patient_name, NULL);
  mar_report_row_set (table, row, "medication", infusion->medication, NULL);
  mar_report_row_set (table, row, "bag", number, NULL);
  mar_report_row_set (table, row, "bag_id", infusion->bag_id, NULL);
}

static void
build_bags (MarShiftLog *log,
            MarReport   *report)
{
  GPtrArray *bags = mar_shift_log_get_bags (log);
  GTimeZone *tz = mar_shift_log_get_time_zone (log);
  guint counts[MAR_INFUSION_N_STATES] = { 0 };
  double total = 0;
  MarReportTable *table;

  /* A shift under way has no end yet: its bags are as they are now. */
  gboolean under_way = mar_shift_log_get_now (log) < mar_shift_log_get_shift (log)->end;

  table = mar_report_add_table (report, "bags", _("IV bags"), _("No IV bag in this shift"));
  mar_report_table_add_column (table, "bed", _("Bed"), 4.6, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "patient", _("Patient"), 10, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "medication", _("Medication"), 14, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "bag", _("Bag"), 3.6, MAR_REPORT_ALIGN_END);
  mar_report_table_add_column (table, "bag_id", _("Label"), 10, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "state", under_way ? _("Now") : _("At shift end"), 7, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "started", _("Hung"), 6, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "ended", _("Ended"), 6, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "rate", _("Rate"), 6.5, MAR_REPORT_ALIGN_END);
  mar_report_table_add_column (table, "volume_in_shift", _("Infused in shift"), 6.5, MAR_REPORT_ALIGN_END);
  mar_report_table_add_column (table, "volume_total", _("Infused in all"), 6.5, MAR_REPORT_ALIGN_END);
  mar_report_table_add_column (table, "bag_volume", _("Bag volume"), 6, MAR_REPORT_ALIGN_END);
  for (guint i = 0; i < bags->len; i++)
    {
      const MarShiftBag *bag = g_ptr_array_index (bags, i);
      const MarInfusion *infusion = bag->infusion;
      gboolean error = infusion->state == MAR_INFUSION_ENTERED_IN_ERROR;
      MarReportRow *row = mar_report_table_add_row (table, error ? MAR_REPORT_ROW_ENTERED_IN_ERROR
                                                                 : MAR_REPORT_ROW_PLAIN);
      g_autofree char *started = NULL, *started_iso = NULL, *ended = NULL, *ended_iso = NULL;
      g_autofree char *rate = NULL, *rate_value = NULL;
      g_autofree char *in_shift = ml_text (bag->volume_in_shift_ml);
      g_autofree char *in_shift_value = ml_value (bag->volume_in_shift_ml);
      g_autofree char *by_end = ml_text (bag->volume_by_end_ml);
      g_autofree char *by_end_value = ml_value (bag->volume_by_end_ml);
      g_autofree char *volume = infusion->bag_volume_ml > 0 ? ml_text (infusion->bag_volume_ml) : NULL;

      counts[bag->state_at_end]++;
      if (!error)
        total += bag->volume_in_shift_ml;
      if (infusion->started_at != MAR_TIME_UNSET)
        {
          started = time_text (log, infusion->started_at, "%d %b %H:%M");
          started_iso = mar_time_format_iso (infusion->started_at, tz);
        }
      if (infusion->ended_at != MAR_TIME_UNSET && infusion->ended_at < mar_shift_log_get_shift (log)->end)
        {
          ended = time_text (log, infusion->ended_at, "%d %b %H:%M");
          ended_iso = mar_time_format_iso (infusion->ended_at, tz);
        }
      if (bag->state_at_end == MAR_INFUSION_INFUSING)
        {
          rate = mar_shift_log_format_amount (bag->rate_at_end_ml_h, 2, "mL/h");
          rate_value = number_value (bag->rate_at_end_ml_h);
        }
      bag_cells (log, table, row, bag);
      mar_report_row_set (table, row, "state", mar_infusion_state_get_label (bag->state_at_end),
                          mar_infusion_state_to_string (bag->state_at_end));
      mar_report_row_set (table, row, "started", started, started_iso);
      mar_report_row_set (table, row, "ended", ended, ended_iso);
      mar_report_row_set (table, row, "rate", rate, rate_value);
      mar_report_row_set (table, row, "volume_in_shift", infusion->started_at != MAR_TIME_UNSET ? in_shift : NULL,
                          infusion->started_at != MAR_TIME_UNSET ? in_shift_value : NULL);
      mar_report_row_set (table, row, "volume_total", infusion->started_at != MAR_TIME_UNSET ? by_end : NULL,
                          infusion->started_at != MAR_TIME_UNSET ? by_end_value : NULL);
      mar_report_row_set (table, row, "bag_volume", volume, NULL);
    }
  figure_count (report, "bags", _("Bags"), bags->len);
  figure_count (report, "infusing", under_way ? _("Running now") : _("Running at shift end"),
                counts[MAR_INFUSION_INFUSING]);
  figure_count (report, "paused", under_way ? _("Paused now") : _("Paused at shift end"),
                counts[MAR_INFUSION_PAUSED]);
  figure_count (report, "stopped", _("Stopped"), counts[MAR_INFUSION_STOPPED]);
  figure_count (report, "completed", _("Completed"), counts[MAR_INFUSION_COMPLETED]);
  figure_count (report, "not_given", _("Held, refused, missing, not given"),
                counts[MAR_INFUSION_HELD] + counts[MAR_INFUSION_REFUSED] + counts[MAR_INFUSION_MISSING] +
                counts[MAR_INFUSION_NOT_GIVEN]);
  figure_ml (report, "volume_in_shift", _("Infused in the shift"), total);
}

/* Reactions ------------------------------------------------------------------------------ */

static void
build_reactions (MarShiftLog *log,
                 MarReport   *report)
{
  guint reactions = 0, sites = 0;
  MarReportTable *table;

  table = mar_report_add_table (report, "reactions", _("Reactions and site complications"),
                                _("No infusion reaction or site complication"));
  event_columns (table, TRUE);
  mar_report_table_add_column (table, "what", _("Event"), 9, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "detail", _("Details"), 26, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "nurse", _("Nurse"), 9, MAR_REPORT_ALIGN_START);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (log)); i++)
    {
      g_autoptr(MarShiftLogEvent) event = g_list_model_get_item (G_LIST_MODEL (log), i);
      MarShiftFlags flags = mar_shift_log_event_get_flags (event);
      MarReportRow *row;
      g_autofree char *detail = NULL;

      if (!(flags & MAR_SHIFT_FLAG_REACTION))
        continue;
      if (!(flags & MAR_SHIFT_FLAG_ENTERED_IN_ERROR))
        {
          if (g_strcmp0 (mar_shift_log_event_get_action (event), "reaction") == 0 &&
              g_strcmp0 (mar_shift_log_event_get_action_label (event), mar_shift_log_action_label ("reaction")) == 0)
            reactions++;
          else
            sites++;
        }
      row = mar_report_table_add_row (table, row_style (flags));
      detail = mar_shift_log_event_dup_printed_detail (event);
      event_cells (log, table, row, event, TRUE);
      mar_report_row_set (table, row, "what", mar_shift_log_event_get_action_label (event), NULL);
      mar_report_row_set (table, row, "detail", detail, NULL);
      mar_report_row_set (table, row, "nurse", mar_shift_log_event_get_nurse (event), NULL);
    }
  figure_count (report, "reactions", _("Infusion reactions"), reactions);
  figure_count (report, "site_complications", _("Site complications"), sites);
}

/* IV intake ------------------------------------------------------------------------------ */

static void
build_intake (MarShiftLog *log,
              MarReport   *report)
{
  GPtrArray *patients = mar_shift_log_get_patients (log);
  GPtrArray *bags = mar_shift_log_get_bags (log);
  MarReportTable *table;

  figure_ml (report, "iv_intake_ml", _("IV intake, all patients"), mar_shift_log_get_summary (log)->iv_intake_ml);
  table = mar_report_add_table (report, "patients", _("IV intake per patient"),
                                _("No patient on this unit in this shift"));
  mar_report_table_add_column (table, "bed", _("Bed"), 5, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "patient", _("Patient"), 14, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "mrn", _("MRN"), 8, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "bags", _("Bags"), 4, MAR_REPORT_ALIGN_END);
  mar_report_table_add_column (table, "iv_intake_ml", _("IV intake"), 7, MAR_REPORT_ALIGN_END);
  mar_report_table_add_column (table, "elsewhere_ml", _("Of which charted on other terminals"), 9,
                               MAR_REPORT_ALIGN_END);
  for (guint i = 0; i < patients->len; i++)
    {
      const MarShiftPatient *p = g_ptr_array_index (patients, i);
      MarReportRow *row = mar_report_table_add_row (table, MAR_REPORT_ROW_PLAIN);
      g_autofree char *count = count_text (p->bags);
      g_autofree char *intake = ml_text (p->iv_intake_ml);
      g_autofree char *value = ml_value (p->iv_intake_ml);
      g_autofree char *elsewhere = ml_text (p->iv_intake_elsewhere_ml);
      g_autofree char *elsewhere_value = ml_value (p->iv_intake_elsewhere_ml);

      mar_report_row_set (table, row, "elsewhere_ml", elsewhere, elsewhere_value);

      mar_report_row_set (table, row, "bed", p->bed, NULL);
      mar_report_row_set (table, row, "patient", p->name, NULL);
      mar_report_row_set (table, row, "mrn", p->mrn, NULL);
      mar_report_row_set (table, row, "bags", count, NULL);
      mar_report_row_set (table, row, "iv_intake_ml", intake, value);
    }

  table = mar_report_add_table (report, "bags", _("By bag"), _("No IV bag in this shift"));
  mar_report_table_add_column (table, "bed", _("Bed"), 5, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "patient", _("Patient"), 12, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "medication", _("Medication"), 16, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "bag", _("Bag"), 4, MAR_REPORT_ALIGN_END);
  mar_report_table_add_column (table, "bag_id", _("Label"), 10, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "volume_in_shift", _("Infused in shift"), 7, MAR_REPORT_ALIGN_END);
  for (guint i = 0; i < bags->len; i++)
    {
      const MarShiftBag *bag = g_ptr_array_index (bags, i);
      gboolean error = bag->infusion->state == MAR_INFUSION_ENTERED_IN_ERROR;
      MarReportRow *row;
      g_autofree char *volume = NULL;
      g_autofree char *value = NULL;

      if (bag->infusion->started_at == MAR_TIME_UNSET)
        continue;
      row = mar_report_table_add_row (table, error ? MAR_REPORT_ROW_ENTERED_IN_ERROR : MAR_REPORT_ROW_PLAIN);
      volume = ml_text (bag->volume_in_shift_ml);
      value = ml_value (bag->volume_in_shift_ml);
      bag_cells (log, table, row, bag);
      mar_report_row_set (table, row, "volume_in_shift", volume, value);
    }
}

MarReport *
mar_shift_log_build_report (MarShiftLog   *self,
                            MarReportKind  kind,
                            gint64         printed_at)
{
  MarReport *report;

  g_return_val_if_fail (MAR_IS_SHIFT_LOG (self), NULL);
  /* The downtime printout is no shift report: mar_downtime_report_build(). */
  g_return_val_if_fail (kind < MAR_REPORT_N_KINDS && kind != MAR_REPORT_DOWNTIME, NULL);

  report = report_new (self, kind, printed_at);
  switch (kind)
    {
    case MAR_REPORT_SHIFT_LOG: build_shift_log (self, report); break;
    case MAR_REPORT_MISSED: build_missed (self, report); break;
    case MAR_REPORT_VARIANCE: build_variance (self, report); break;
    case MAR_REPORT_UNABLE_TO_SCAN: build_unable_to_scan (self, report); break;
    case MAR_REPORT_BAGS: build_bags (self, report); break;
    case MAR_REPORT_REACTIONS: build_reactions (self, report); break;
    case MAR_REPORT_INTAKE: build_intake (self, report); break;
    case MAR_REPORT_DOWNTIME:
    case MAR_REPORT_N_KINDS:
    default: g_assert_not_reached ();
    }
  return report;
}
