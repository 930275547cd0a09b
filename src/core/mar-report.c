/* mar-report.c — a printable report: tables, CSV, text, JSON
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-report"

#include "config.h"

#include "mar-report.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "mar-model.h"
#include "mar-time.h"

static const char * const kind_names[MAR_REPORT_N_KINDS] = {
  [MAR_REPORT_SHIFT_LOG] = "shift-log",
  [MAR_REPORT_MISSED] = "missed",
  [MAR_REPORT_VARIANCE] = "variance",
  [MAR_REPORT_UNABLE_TO_SCAN] = "unable-to-scan",
  [MAR_REPORT_BAGS] = "bags",
  [MAR_REPORT_REACTIONS] = "reactions",
  [MAR_REPORT_INTAKE] = "intake",
  [MAR_REPORT_DOWNTIME] = "downtime",
};

const char *
mar_report_kind_to_string (MarReportKind kind)
{
  g_return_val_if_fail (kind < MAR_REPORT_N_KINDS, NULL);
  return kind_names[kind];
}

gboolean
mar_report_kind_from_string (const char    *text,
                             MarReportKind *kind)
{
  for (guint i = 0; i < MAR_REPORT_N_KINDS; i++)
    if (g_strcmp0 (text, kind_names[i]) == 0)
      {
        *kind = i;
        return TRUE;
      }
  return FALSE;
}

const char *
mar_report_kind_get_title (MarReportKind kind)
{
  switch (kind)
    {
    case MAR_REPORT_SHIFT_LOG: return _("Shift log");
    case MAR_REPORT_MISSED: return _("Missed medications");
    case MAR_REPORT_VARIANCE: return _("Medication variance");
    case MAR_REPORT_UNABLE_TO_SCAN: return _("Unable-to-scan rate");
    case MAR_REPORT_BAGS: return _("IV bag status");
    case MAR_REPORT_REACTIONS: return _("Infusion reactions and site complications");
    case MAR_REPORT_INTAKE: return _("IV intake");
    case MAR_REPORT_DOWNTIME: return _("Downtime MAR");
    case MAR_REPORT_N_KINDS:
    default: g_return_val_if_reached (NULL);
    }
}

static void
column_free (gpointer data)
{
  MarReportColumn *column = data;

  g_free (column->key);
  g_free (column->title);
  g_free (column);
}

static void
row_free (gpointer data)
{
  MarReportRow *row = data;

  g_strfreev (row->texts);
  /* values may hold NULLs between set cells: freed one by one */
  g_free (row->values);
  g_free (row);
}

static void
table_free (gpointer data)
{
  MarReportTable *table = data;

  for (guint r = 0; r < table->rows->len; r++)
    {
      MarReportRow *row = g_ptr_array_index (table->rows, r);

      for (guint c = 0; c < table->columns->len; c++)
        g_free (row->values[c]);
    }
  g_ptr_array_unref (table->rows);
  g_ptr_array_unref (table->columns);
  g_free (table->key);
  g_free (table->title);
  g_free (table->empty_text);
  g_free (table->group);
  g_free (table);
}

static void
figure_free (gpointer data)
{
  MarReportFigure *figure = data;

  g_free (figure->key);
  g_free (figure->label);
  g_free (figure->value);
  g_free (figure->machine_value);
  g_free (figure);
}

MarReport *
mar_report_new (MarReportKind  kind,
                GTimeZone     *time_zone)
{
  MarReport *report = g_new0 (MarReport, 1);

  g_return_val_if_fail (kind < MAR_REPORT_N_KINDS, NULL);
  g_return_val_if_fail (time_zone != NULL, NULL);

  g_atomic_ref_count_init (&report->ref_count);
  report->kind = kind;
  report->title = g_strdup (mar_report_kind_get_title (kind));
  report->time_zone = g_time_zone_ref (time_zone);
  report->printed_at = MAR_TIME_UNSET;
  report->shift_start = MAR_TIME_UNSET;
  report->shift_end = MAR_TIME_UNSET;
  report->figures = g_ptr_array_new_with_free_func (figure_free);
  report->tables = g_ptr_array_new_with_free_func (table_free);
  return report;
}

MarReport *
mar_report_ref (MarReport *report)
{
  g_return_val_if_fail (report != NULL, NULL);
  g_atomic_ref_count_inc (&report->ref_count);
  return report;
}

void
mar_report_unref (MarReport *report)
{
  if (report == NULL || !g_atomic_ref_count_dec (&report->ref_count))
    return;
  g_free (report->title);
  g_free (report->unit_id);
  g_free (report->unit_name);
  g_free (report->shift_name);
  g_free (report->shift_date);
  g_free (report->shift_label);
  g_free (report->sign_off);
  g_time_zone_unref (report->time_zone);
  g_ptr_array_unref (report->figures);
  g_ptr_array_unref (report->tables);
  g_free (report);
}

void
mar_report_add_figure (MarReport  *report,
                       const char *key,
                       const char *label,
                       const char *value,
                       const char *machine_value)
{
  MarReportFigure *figure = g_new0 (MarReportFigure, 1);

  figure->key = g_strdup (key);
  figure->label = g_strdup (label);
  figure->value = g_strdup (value != NULL ? value : "");
  figure->machine_value = g_strdup (machine_value);
  g_ptr_array_add (report->figures, figure);
}

MarReportTable *
mar_report_add_table (MarReport  *report,
                      const char *key,
                      const char *title,
                      const char *empty_text)
{
  MarReportTable *table = g_new0 (MarReportTable, 1);

  table->key = g_strdup (key);
  table->title = g_strdup (title);
  table->empty_text = g_strdup (empty_text);
  table->columns = g_ptr_array_new_with_free_func (column_free);
  table->rows = g_ptr_array_new_with_free_func (row_free);
  g_ptr_array_add (report->tables, table);
  return table;
}

void
mar_report_table_set_group (MarReportTable *table,
                            const char     *group)
{
  g_free (table->group);
  table->group = g_strdup (group);
}

void
mar_report_table_add_column (MarReportTable *table,
                             const char     *key,
                             const char     *title,
                             double          width,
                             MarReportAlign  align)
{
  MarReportColumn *column = g_new0 (MarReportColumn, 1);

  /* Columns are fixed before the first row. */
  g_return_if_fail (table->rows->len == 0);

  column->key = g_strdup (key);
  column->title = g_strdup (title);
  column->width = width > 0 ? width : 1;
  column->align = align;
  g_ptr_array_add (table->columns, column);
}

MarReportRow *
mar_report_table_add_row (MarReportTable    *table,
                          MarReportRowStyle  style)
{
  MarReportRow *row = g_new0 (MarReportRow, 1);
  guint n = table->columns->len;

  row->style = style;
  row->texts = g_new0 (char *, n + 1);
  row->values = g_new0 (char *, n + 1);
  for (guint c = 0; c < n; c++)
    row->texts[c] = g_strdup ("");
  g_ptr_array_add (table->rows, row);
  return row;
}

void
mar_report_row_set (MarReportTable *table,
                    MarReportRow   *row,
                    const char     *column,
                    const char     *text,
                    const char     *value)
{
  for (guint c = 0; c < table->columns->len; c++)
    {
      const MarReportColumn *col = g_ptr_array_index (table->columns, c);

      if (g_str_equal (col->key, column))
        {
          g_free (row->texts[c]);
          row->texts[c] = g_strdup (text != NULL ? text : "");
          g_free (row->values[c]);
          row->values[c] = g_strdup (value);
          return;
        }
    }
  g_critical ("report table %s has no column %s", table->key, column);
}

/* CSV ------------------------------------------------------------------------- */

char *
mar_report_csv_field (const char *text)
{
  GString *out = g_string_new (NULL);
  gboolean quote;

  if (text == NULL)
    text = "";
  /* OWASP, CSV Injection: a leading =, +, -, @, tab or carriage return
   * makes a spreadsheet run the cell; a leading quote makes it text. */
  if (strchr ("=+-@\t\r", text[0]) != NULL && text[0] != '\0')
    g_string_append_c (out, '\'');
  g_string_append (out, text);
  /* RFC 4180, 2.6–2.7: quote a field with a comma, a quote or a line
   * break, doubling the quotes inside. */
  quote = strpbrk (out->str, ",\"\r\n") != NULL;
  if (quote)
    {
      g_string_replace (out, "\"", "\"\"", 0);
      g_string_prepend_c (out, '"');
      g_string_append_c (out, '"');
    }
  return g_string_free (out, FALSE);
}

char *
mar_report_to_csv (const MarReport *report,
                   guint            index)
{
  const MarReportTable *table;
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (report != NULL, NULL);
  g_return_val_if_fail (index < report->tables->len, g_string_free (out, FALSE));

  table = g_ptr_array_index (report->tables, index);
  for (guint c = 0; c < table->columns->len; c++)
    {
      g_autofree char *field = mar_report_csv_field (((MarReportColumn *) g_ptr_array_index (table->columns, c))->title);

      g_string_append_printf (out, "%s%s", c > 0 ? "," : "", field);
    }
  g_string_append (out, "\r\n");
  for (guint r = 0; r < table->rows->len; r++)
    {
      const MarReportRow *row = g_ptr_array_index (table->rows, r);

      for (guint c = 0; c < table->columns->len; c++)
        {
          g_autofree char *field = mar_report_csv_field (row->values[c] != NULL ? row->values[c]
                                                                                : row->texts[c]);

          g_string_append_printf (out, "%s%s", c > 0 ? "," : "", field);
        }
      g_string_append (out, "\r\n");
    }
  return g_string_free (out, FALSE);
}

static void
append_csv_field (GString    *out,
                  gboolean    first,
                  const char *text)
{
  g_autofree char *field = mar_report_csv_field (text);

  g_string_append_printf (out, "%s%s", first ? "" : ",", field);
}

char *
mar_report_to_csv_all (const MarReport *report)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  g_autoptr(GPtrArray) titles = g_ptr_array_new ();
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (report != NULL, g_string_free (out, FALSE));

  for (guint t = 0; t < report->tables->len; t++)
    {
      const MarReportTable *table = g_ptr_array_index (report->tables, t);

      for (guint c = 0; c < table->columns->len; c++)
        {
          const MarReportColumn *column = g_ptr_array_index (table->columns, c);
          guint index;

          if (!g_ptr_array_find_with_equal_func (keys, column->key, g_str_equal, &index))
            {
              g_ptr_array_add (keys, column->key);
              g_ptr_array_add (titles, column->title);
            }
        }
    }

  /* TRANSLATORS: CSV headings: what a table belongs to (a patient), and the table */
  append_csv_field (out, TRUE, _("Group"));
  append_csv_field (out, FALSE, _("Table"));
  for (guint k = 0; k < titles->len; k++)
    append_csv_field (out, FALSE, g_ptr_array_index (titles, k));
  g_string_append (out, "\r\n");

  for (guint t = 0; t < report->tables->len; t++)
    {
      const MarReportTable *table = g_ptr_array_index (report->tables, t);

      for (guint r = 0; r < table->rows->len; r++)
        {
          const MarReportRow *row = g_ptr_array_index (table->rows, r);

          append_csv_field (out, TRUE, table->group);
          append_csv_field (out, FALSE, table->title);
          for (guint k = 0; k < keys->len; k++)
            {
              const char *text = NULL;

              for (guint c = 0; c < table->columns->len && text == NULL; c++)
                {
                  const MarReportColumn *column = g_ptr_array_index (table->columns, c);

                  if (g_str_equal (column->key, g_ptr_array_index (keys, k)))
                    text = row->values[c] != NULL ? row->values[c] : row->texts[c];
                }
              append_csv_field (out, FALSE, text);
            }
          g_string_append (out, "\r\n");
        }
    }
  return g_string_free (out, FALSE);
}

/* Text ------------------------------------------------------------------------ */

#define TEXT_COLUMN_MAX 36

/* Splits @text into lines of at most @width characters, at spaces where
 * possible. (element-type utf8) */
static GPtrArray *
wrap_text (const char *text,
           guint       width)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  const char *p = text;

  while (*p != '\0')
    {
      const char *end = p;
      const char *last_space = NULL;
      guint n = 0;

      while (*end != '\0' && *end != '\n' && n < width)
        {
          if (*end == ' ')
            last_space = end;
          end = g_utf8_next_char (end);
          n++;
        }
      if (*end != '\0' && *end != '\n' && *end != ' ' && last_space != NULL)
        end = last_space;
      g_ptr_array_add (lines, g_strndup (p, end - p));
      p = end;
      while (*p == ' ' || *p == '\n')
        p++;
    }
  if (lines->len == 0)
    g_ptr_array_add (lines, g_strdup (""));
  return lines;
}

static void
append_padded (GString    *out,
               const char *text,
               guint       width,
               gboolean    end_align)
{
  guint n = g_utf8_strlen (text, -1);

  if (end_align)
    for (guint i = n; i < width; i++)
      g_string_append_c (out, ' ');
  g_string_append (out, text);
  if (!end_align)
    for (guint i = n; i < width; i++)
      g_string_append_c (out, ' ');
}

static void
append_text_row (GString              *out,
                 const MarReportTable *table,
                 char * const         *texts,
                 const guint          *widths)
{
  guint n = table->columns->len;
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  guint height = 1;

  for (guint c = 0; c < n; c++)
    {
      GPtrArray *lines = wrap_text (texts[c], widths[c]);

      height = MAX (height, lines->len);
      g_ptr_array_add (cells, lines);
    }
  for (guint l = 0; l < height; l++)
    {
      GString *line = g_string_new (NULL);

      for (guint c = 0; c < n; c++)
        {
          GPtrArray *lines = g_ptr_array_index (cells, c);
          const MarReportColumn *column = g_ptr_array_index (table->columns, c);

          if (c > 0)
            g_string_append (line, "  ");
          append_padded (line, l < lines->len ? g_ptr_array_index (lines, l) : "", widths[c],
                         column->align == MAR_REPORT_ALIGN_END);
        }
      while (line->len > 0 && line->str[line->len - 1] == ' ')
        g_string_truncate (line, line->len - 1);
      g_string_append_printf (out, "%s\n", line->str);
      g_string_free (line, TRUE);
    }
}

static void
append_text_table (GString              *out,
                   const MarReportTable *table)
{
  guint n = table->columns->len;
  g_autofree guint *widths = g_new0 (guint, n);
  g_autofree char **titles = g_new0 (char *, n + 1);
  gsize rule = 0;

  g_string_append_printf (out, "\n%s\n", table->title);
  if (table->rows->len == 0)
    {
      g_string_append_printf (out, "  %s\n", table->empty_text != NULL ? table->empty_text : _("None"));
      return;
    }
  for (guint c = 0; c < n; c++)
    {
      const MarReportColumn *column = g_ptr_array_index (table->columns, c);

      titles[c] = column->title;
      widths[c] = MIN (g_utf8_strlen (column->title, -1), TEXT_COLUMN_MAX);
      for (guint r = 0; r < table->rows->len; r++)
        {
          const MarReportRow *row = g_ptr_array_index (table->rows, r);

          widths[c] = MAX (widths[c], MIN ((guint) g_utf8_strlen (row->texts[c], -1), TEXT_COLUMN_MAX));
        }
      widths[c] = MAX (widths[c], 1);
      rule += widths[c] + (c > 0 ? 2 : 0);
    }
  append_text_row (out, table, titles, widths);
  for (gsize i = 0; i < rule; i++)
    g_string_append (out, "─");
  g_string_append_c (out, '\n');
  for (guint r = 0; r < table->rows->len; r++)
    {
      const MarReportRow *row = g_ptr_array_index (table->rows, r);

      append_text_row (out, table, row->texts, widths);
    }
}

char *
mar_report_to_text (const MarReport *report)
{
  GString *out = g_string_new (NULL);
  g_autofree char *printed = NULL;

  g_return_val_if_fail (report != NULL, NULL);

  g_string_append_printf (out, "%s — %s\n", report->title, report->unit_name != NULL ? report->unit_name : "");
  if (report->shift_label != NULL)
    g_string_append_printf (out, "%s\n", report->shift_label);
  if (report->printed_at != MAR_TIME_UNSET)
    {
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (report->printed_at);
      g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, report->time_zone);

      printed = g_date_time_format (local, "%Y-%m-%d %H:%M %Z");
      g_string_append_printf (out, _("Printed %s"), printed);
      g_string_append_c (out, '\n');
    }
  if (report->sign_off != NULL)
    g_string_append_printf (out, "%s\n", report->sign_off);
  if (report->figures->len > 0)
    {
      guint width = 0;

      g_string_append_c (out, '\n');
      for (guint i = 0; i < report->figures->len; i++)
        width = MAX (width, g_utf8_strlen (((MarReportFigure *) g_ptr_array_index (report->figures, i))->label, -1));
      for (guint i = 0; i < report->figures->len; i++)
        {
          const MarReportFigure *figure = g_ptr_array_index (report->figures, i);

          g_string_append (out, "  ");
          append_padded (out, figure->label, width, FALSE);
          g_string_append_printf (out, "  %s\n", figure->value);
        }
    }
  for (guint t = 0; t < report->tables->len; t++)
    append_text_table (out, g_ptr_array_index (report->tables, t));
  return g_string_free (out, FALSE);
}

/* JSON ------------------------------------------------------------------------ */

JsonNode *
mar_report_to_json (const MarReport *report)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (report != NULL, NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "report");
  json_builder_add_string_value (b, mar_report_kind_to_string (report->kind));
  json_builder_set_member_name (b, "title");
  json_builder_add_string_value (b, report->title);
  json_builder_set_member_name (b, "unit");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, report->unit_id);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, report->unit_name);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "shift");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, report->shift_name);
  json_builder_set_member_name (b, "date");
  json_builder_add_string_value (b, report->shift_date);
  json_builder_set_member_name (b, "label");
  json_builder_add_string_value (b, report->shift_label);
  if (report->shift_start != MAR_TIME_UNSET)
    {
      g_autofree char *start = mar_time_format_iso (report->shift_start, report->time_zone);
      g_autofree char *end = mar_time_format_iso (report->shift_end, report->time_zone);

      json_builder_set_member_name (b, "start");
      json_builder_add_string_value (b, start);
      json_builder_set_member_name (b, "end");
      json_builder_add_string_value (b, end);
    }
  json_builder_end_object (b);
  if (report->printed_at != MAR_TIME_UNSET)
    {
      g_autofree char *printed = mar_time_format_iso (report->printed_at, report->time_zone);

      json_builder_set_member_name (b, "printed_at");
      json_builder_add_string_value (b, printed);
    }
  json_builder_set_member_name (b, "sign_off");
  json_builder_add_string_value (b, report->sign_off);

  json_builder_set_member_name (b, "summary");
  json_builder_begin_object (b);
  for (guint i = 0; i < report->figures->len; i++)
    {
      const MarReportFigure *figure = g_ptr_array_index (report->figures, i);

      json_builder_set_member_name (b, figure->key);
      json_builder_add_string_value (b, figure->machine_value != NULL ? figure->machine_value : figure->value);
    }
  json_builder_end_object (b);

  json_builder_set_member_name (b, "tables");
  json_builder_begin_array (b);
  for (guint t = 0; t < report->tables->len; t++)
    {
      const MarReportTable *table = g_ptr_array_index (report->tables, t);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "key");
      json_builder_add_string_value (b, table->key);
      json_builder_set_member_name (b, "title");
      json_builder_add_string_value (b, table->title);
      if (table->group != NULL)
        {
          json_builder_set_member_name (b, "group");
          json_builder_add_string_value (b, table->group);
        }
      json_builder_set_member_name (b, "rows");
      json_builder_begin_array (b);
      for (guint r = 0; r < table->rows->len; r++)
        {
          const MarReportRow *row = g_ptr_array_index (table->rows, r);

          json_builder_begin_object (b);
          for (guint c = 0; c < table->columns->len; c++)
            {
              const MarReportColumn *column = g_ptr_array_index (table->columns, c);

              json_builder_set_member_name (b, column->key);
              json_builder_add_string_value (b, row->values[c] != NULL ? row->values[c] : row->texts[c]);
            }
          if (row->style & MAR_REPORT_ROW_ENTERED_IN_ERROR)
            {
              json_builder_set_member_name (b, "entered_in_error");
              json_builder_add_boolean_value (b, TRUE);
            }
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
