/* mar-report.h — a printable report: the shift log and the charge nurse's reports as tables
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 4 part 9 and issue 8: the shift log and each report (missed
 * medications, medication variance, unable-to-scan rate, IV bag status,
 * reactions, IV intake) are exported as CSV, printed as text by marctl,
 * and rendered as a paginated PDF or through the GUI's print operation
 * (src/report/mar-report-render.h). All of them read this one plain
 * description of the document, so the exports and the screen never
 * disagree: a title, the unit and shift it covers, the time it was made,
 * the sign-off, summary figures, and tables of rows.
 *
 * Each cell has the text people read and, where it differs, a value for
 * machines (an ISO 8601 time with its offset, a plain number): CSV and
 * JSON take the value, text and PDF the text. The first table is the
 * report's own rows (what CSV exports); the others are summaries.
 *
 * CSV (RFC 4180): UTF-8 without a byte-order mark, CRLF line ends, one
 * header row of column titles, fields quoted when they hold a comma, a
 * quote or a line break. A field that a spreadsheet would run as a formula
 * (it begins with =, +, -, @, a tab or a carriage return: OWASP, CSV
 * Injection) is prefixed with a single quote, so a drug name or a comment
 * typed as "=HYPERLINK(…)" is shown, never run.
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  MAR_REPORT_SHIFT_LOG = 0,    /* every event of the shift */
  MAR_REPORT_MISSED,           /* missed medications */
  MAR_REPORT_VARIANCE,         /* overrides by code and reason, early and late doses */
  MAR_REPORT_UNABLE_TO_SCAN,   /* unable-to-scan rate, by reason and by nurse */
  MAR_REPORT_BAGS,             /* IV bag status: running, paused, stopped, completed, volume */
  MAR_REPORT_REACTIONS,        /* infusion reactions and site complications */
  MAR_REPORT_INTAKE,           /* IV intake per patient */
  MAR_REPORT_DOWNTIME,         /* the paper MAR for downtime: not a shift report (mar-downtime.h) */
  MAR_REPORT_N_KINDS,
} MarReportKind;

typedef enum
{
  MAR_REPORT_ALIGN_START = 0,
  MAR_REPORT_ALIGN_END,        /* numbers */
} MarReportAlign;

typedef enum
{
  MAR_REPORT_ROW_PLAIN            = 0,
  MAR_REPORT_ROW_FLAGGED          = 1 << 0,  /* needs the charge nurse's eye (missed, override, reaction…) */
  MAR_REPORT_ROW_ENTERED_IN_ERROR = 1 << 1,  /* corrected: shown struck through, never hidden */
} MarReportRowStyle;

typedef struct
{
  char           *key;        /* stable: the JSON member ("time", "bed") */
  char           *title;      /* for people: the CSV header, the printed heading */
  double          width;      /* share of the table's width (relative) */
  MarReportAlign  align;
} MarReportColumn;

typedef struct
{
  MarReportRowStyle   style;
  char              **texts;   /* one per column, never NULL ("" when empty) */
  char              **values;  /* one per column, each nullable: the text stands */
} MarReportRow;

typedef struct
{
  char       *key;
  char       *title;
  char       *empty_text;  /* shown when there are no rows ("No missed medications") */
  char       *group;       /* nullable: what the table belongs to, for people (the downtime
                            * printout's patient); mar_report_to_csv_all() names it */
  GPtrArray  *columns;     /* (element-type MarReportColumn) */
  GPtrArray  *rows;        /* (element-type MarReportRow) */
} MarReportTable;

typedef struct
{
  char *key;
  char *label;
  char *value;             /* for people */
  char *machine_value;     /* nullable: for JSON */
} MarReportFigure;

typedef struct
{
  gatomicrefcount  ref_count;
  MarReportKind    kind;
  char            *title;          /* "Shift log", "Missed medications" */
  char            *unit_id;
  char            *unit_name;
  char            *shift_name;     /* "day" */
  char            *shift_date;     /* "2026-01-15" */
  char            *shift_label;    /* "Day shift, Thursday 15 January 2026, 07:00–19:00" */
  gint64           shift_start;
  gint64           shift_end;
  gint64           printed_at;     /* when the report was made: printed on every page */
  GTimeZone       *time_zone;      /* the unit's */
  char            *sign_off;       /* "Signed off by … at …" or "Not signed off" */
  GPtrArray       *figures;        /* (element-type MarReportFigure) the summary */
  GPtrArray       *tables;         /* (element-type MarReportTable) the first: the report's rows */
} MarReport;

const char      *mar_report_kind_to_string    (MarReportKind        kind);  /* "shift-log", "missed"… */
gboolean         mar_report_kind_from_string  (const char          *text,
                                               MarReportKind       *kind);
/* The report's title for people. */
const char      *mar_report_kind_get_title    (MarReportKind        kind);

/* (transfer full) */
MarReport       *mar_report_new               (MarReportKind        kind,
                                               GTimeZone           *time_zone);
MarReport       *mar_report_ref               (MarReport           *report);
void             mar_report_unref             (MarReport           *report);

void             mar_report_add_figure        (MarReport           *report,
                                               const char          *key,
                                               const char          *label,
                                               const char          *value,
                                               const char          *machine_value);
/* (transfer none) */
MarReportTable  *mar_report_add_table         (MarReport           *report,
                                               const char          *key,
                                               const char          *title,
                                               const char          *empty_text);
/* Tables of one group (one patient) follow each other. */
void             mar_report_table_set_group   (MarReportTable      *table,
                                               const char          *group);
void             mar_report_table_add_column  (MarReportTable      *table,
                                               const char          *key,
                                               const char          *title,
                                               double               width,
                                               MarReportAlign       align);
/* A new row of empty cells. (transfer none) */
MarReportRow    *mar_report_table_add_row     (MarReportTable      *table,
                                               MarReportRowStyle    style);
/* Sets cell @column of @row (by the column's key); @value nullable. */
void             mar_report_row_set           (MarReportTable      *table,
                                               MarReportRow        *row,
                                               const char          *column,
                                               const char          *text,
                                               const char          *value);

/* RFC 4180 CSV of table @index (0: the report's rows), formula-safe.
 * (transfer full) */
char            *mar_report_to_csv            (const MarReport     *report,
                                               guint                index);
/* Every table in one RFC 4180 CSV (the downtime printout, whose tables
 * are per patient): a "Group" and a "Table" column, then the union of the
 * tables' columns by key, in order of first appearance; cells of another
 * table's columns are empty. (transfer full) */
char            *mar_report_to_csv_all        (const MarReport     *report);
/* The report as plain text with aligned columns, for a terminal. */
char            *mar_report_to_text           (const MarReport     *report);
/* {"report", "title", "unit": {id, name}, "shift": {name, date, label,
 * start, end}, "printed_at", "sign_off", "summary": {key: value},
 * "tables": [{key, title, ["group",] "rows": [{column key: value or text}]}]}. */
JsonNode        *mar_report_to_json           (const MarReport     *report);

/* A field as it goes into CSV: formula-safe and quoted where RFC 4180
 * needs it. (transfer full) */
char            *mar_report_csv_field         (const char          *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarReport, mar_report_unref)

G_END_DECLS
