/* mar-report-render.c — the shift log and reports on paper: cairo + Pango, page by page
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Measured once (mar_report_layout_new), drawn page by page. All sizes are
 * points; Pango's resolution is set to 72 so a 7.5 pt font is 7.5 units
 * on any surface, and metrics are not hinted, so what was measured for
 * pagination is what is drawn, on a PDF surface or a printer's.
 */

#define G_LOG_DOMAIN "mar-report"

#include "config.h"

#include "mar-report-render.h"

#include <cairo-pdf.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "mar-model.h"

#define MARGIN_X        30.0
#define MARGIN_TOP      24.0
#define MARGIN_BOTTOM   20.0
#define GAP             9.0    /* between blocks */
#define PAD_X           2.6
#define PAD_Y           2.0
#define FLAG_BAR        3.0    /* the marker of a flagged row, in the left margin */
#define CARD_GAP        4.0
#define FIGURES_PER_ROW 7

typedef enum
{
  FONT_BODY,
  FONT_BODY_BOLD,
  FONT_TITLE,
  FONT_UNIT,
  FONT_INFO,
  FONT_INFO_BOLD,
  FONT_FOOT,
  FONT_HEADING,
  FONT_CARD_LABEL,
  FONT_CARD_VALUE,
  FONT_EMPTY,
  N_FONTS
} Font;

static const char * const font_names[N_FONTS] = {
  /* Condensed where the fonts have it (DejaVu Sans Condensed,
   * fonts-dejavu-extra): more of a drug's name on one line. */
  [FONT_BODY] = "Sans Condensed 7.5",
  [FONT_BODY_BOLD] = "Sans Condensed Bold 7.5",
  [FONT_TITLE] = "Sans Bold 15",
  [FONT_UNIT] = "Sans Bold 11",
  [FONT_INFO] = "Sans 8.5",
  [FONT_INFO_BOLD] = "Sans Bold 8.5",
  [FONT_FOOT] = "Sans 7",
  [FONT_HEADING] = "Sans Bold 9.5",
  [FONT_CARD_LABEL] = "Sans 6.5",
  [FONT_CARD_VALUE] = "Sans Bold 10.5",
  [FONT_EMPTY] = "Sans Condensed Italic 7.5",
};

typedef enum
{
  OP_FIGURES,
  OP_HEADING,
  OP_COLUMNS,
  OP_ROW,
  OP_EMPTY,
} OpKind;

typedef struct
{
  OpKind   kind;
  guint    table;
  guint    index;      /* the row, or the row of figures */
  gboolean continued; /* a heading repeated on a later page */
  double   y;
} Op;

typedef struct
{
  double *x;             /* each column's left edge */
  double *w;             /* and width */
  double  heading_height;
  double  columns_height;
  double  empty_height;
  GArray *row_heights;   /* (double) */
} TableGeometry;

struct _MarReportLayout
{
  MarReport            *report;
  PangoContext         *context;
  PangoFontDescription *fonts[N_FONTS];
  double                width;
  double                height;
  double                left;
  double                right;
  double                body_top;
  double                body_bottom;
  double                header_height;
  double                footer_height;
  double                card_width;
  GArray               *figure_rows;   /* (double) height of each row of cards */
  TableGeometry        *tables;
  GPtrArray            *pages;         /* (GArray of Op) */
};

gboolean
mar_report_paper_from_string (const char     *text,
                              MarReportPaper *paper)
{
  if (g_strcmp0 (text, "a4") == 0 || g_strcmp0 (text, "A4") == 0)
    *paper = MAR_REPORT_PAPER_A4;
  else if (g_ascii_strcasecmp (text != NULL ? text : "", "letter") == 0)
    *paper = MAR_REPORT_PAPER_LETTER;
  else
    return FALSE;
  return TRUE;
}

void
mar_report_paper_get_size (MarReportPaper  paper,
                           double         *width,
                           double         *height)
{
  /* ISO 216 A4 is 210 × 297 mm; US Letter 8.5 × 11 in. Landscape. */
  if (paper == MAR_REPORT_PAPER_LETTER)
    {
      *width = 792;
      *height = 612;
    }
  else
    {
      *width = 841.89;
      *height = 595.28;
    }
}

/* Text -------------------------------------------------------------------------- */

static PangoLayout *
text_layout (MarReportLayout *self,
             Font             font,
             const char      *text,
             double           width,
             PangoAlignment   alignment,
             gboolean         struck)
{
  PangoLayout *layout = pango_layout_new (self->context);

  pango_layout_set_font_description (layout, self->fonts[font]);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  if (width > 0)
    pango_layout_set_width (layout, (int) floor (width * PANGO_SCALE));
  pango_layout_set_alignment (layout, alignment);
  pango_layout_set_text (layout, text != NULL ? text : "", -1);
  if (struck)
    {
      PangoAttrList *attributes = pango_attr_list_new ();

      pango_attr_list_insert (attributes, pango_attr_strikethrough_new (TRUE));
      pango_layout_set_attributes (layout, attributes);
      pango_attr_list_unref (attributes);
    }
  return layout;
}

static double
layout_height (PangoLayout *layout)
{
  int height;

  pango_layout_get_size (layout, NULL, &height);
  return (double) height / PANGO_SCALE;
}

static double
text_height (MarReportLayout *self,
             Font             font,
             const char      *text,
             double           width)
{
  g_autoptr(PangoLayout) layout = NULL;

  if (text == NULL || *text == '\0')
    text = " ";
  layout = text_layout (self, font, text, width, PANGO_ALIGN_LEFT, FALSE);
  return layout_height (layout);
}

static void
show_text (MarReportLayout *self,
           cairo_t         *cr,
           Font             font,
           const char      *text,
           double           x,
           double           y,
           double           width,
           PangoAlignment   alignment,
           gboolean         struck)
{
  g_autoptr(PangoLayout) layout = NULL;

  if (text == NULL || *text == '\0')
    return;
  layout = text_layout (self, font, text, width, alignment, struck);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

static char *
format_time (const MarReport *report,
             gint64           t)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (t);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, report->time_zone);

  return g_date_time_format (local, "%Y-%m-%d %H:%M %Z");
}

static char *
printed_text (const MarReport *report)
{
  g_autofree char *when = NULL;

  if (report->printed_at == MAR_TIME_UNSET)
    return g_strdup ("Bedside MAR");
  when = format_time (report, report->printed_at);
  /* TRANSLATORS: the footer of every printed page */
  return g_strdup_printf (_("Printed %s · Bedside MAR"), when);
}

static char *
short_context (const MarReport *report)
{
  /* The footer repeats the unit and shift in a few words. */
  return g_strdup_printf ("%s · %s %s", report->unit_name != NULL ? report->unit_name : "",
                          report->shift_name != NULL ? report->shift_name : "",
                          report->shift_date != NULL ? report->shift_date : "");
}

/* Measuring and pagination ---------------------------------------------------------- */

static double
body_width (MarReportLayout *self)
{
  return self->right - self->left;
}

static void
measure_header (MarReportLayout *self)
{
  MarReport *report = self->report;
  double half = body_width (self) / 2;
  double top = MAX (text_height (self, FONT_TITLE, report->title, half - 6),
                    text_height (self, FONT_UNIT, report->unit_name, half - 6));
  double info = MAX (text_height (self, FONT_INFO, report->shift_label, half - 6),
                     text_height (self, FONT_INFO_BOLD, report->sign_off, half - 6));

  self->header_height = top + 3 + info + 5;
  self->footer_height = text_height (self, FONT_FOOT, "Page 1", 0) + 4;
}

static guint
n_figure_rows (const MarReport *report)
{
  return (report->figures->len + FIGURES_PER_ROW - 1) / FIGURES_PER_ROW;
}

static void
measure_figures (MarReportLayout *self)
{
  MarReport *report = self->report;
  guint n = n_figure_rows (report);

  self->card_width = (body_width (self) - (FIGURES_PER_ROW - 1) * CARD_GAP) / FIGURES_PER_ROW;
  self->figure_rows = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint r = 0; r < n; r++)
    {
      double label = 0, value = 0, height;

      for (guint i = r * FIGURES_PER_ROW; i < MIN ((r + 1) * FIGURES_PER_ROW, report->figures->len); i++)
        {
          const MarReportFigure *figure = g_ptr_array_index (report->figures, i);

          label = MAX (label, text_height (self, FONT_CARD_LABEL, figure->label, self->card_width - 2 * 4));
          value = MAX (value, text_height (self, FONT_CARD_VALUE, figure->value, self->card_width - 2 * 4));
        }
      height = 3 + label + 1 + value + 3;
      g_array_append_val (self->figure_rows, height);
    }
}

static void
measure_table (MarReportLayout      *self,
               const MarReportTable *table,
               TableGeometry        *g)
{
  guint n = table->columns->len;
  double total = 0, x = self->left;

  g->x = g_new0 (double, n);
  g->w = g_new0 (double, n);
  g->row_heights = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint c = 0; c < n; c++)
    total += ((MarReportColumn *) g_ptr_array_index (table->columns, c))->width;
  for (guint c = 0; c < n; c++)
    {
      const MarReportColumn *column = g_ptr_array_index (table->columns, c);

      g->x[c] = x;
      g->w[c] = body_width (self) * column->width / total;
      x += g->w[c];
      g->columns_height = MAX (g->columns_height,
                               text_height (self, FONT_BODY_BOLD, column->title, g->w[c] - 2 * PAD_X));
    }
  g->columns_height += 2 * PAD_Y;
  g->heading_height = text_height (self, FONT_HEADING, table->title, body_width (self)) + 3;
  g->empty_height = text_height (self, FONT_EMPTY, table->empty_text, body_width (self)) + 2 * PAD_Y;
  for (guint r = 0; r < table->rows->len; r++)
    {
      const MarReportRow *row = g_ptr_array_index (table->rows, r);
      double height = 0;

      for (guint c = 0; c < n; c++)
        if (row->texts[c][0] != '\0')
          height = MAX (height, text_height (self, FONT_BODY, row->texts[c], g->w[c] - 2 * PAD_X));
      if (height == 0)
        height = text_height (self, FONT_BODY, " ", 0);
      height += 2 * PAD_Y;
      g_array_append_val (g->row_heights, height);
    }
}

static GArray *
new_page (MarReportLayout *self)
{
  GArray *page = g_array_new (FALSE, FALSE, sizeof (Op));

  g_ptr_array_add (self->pages, page);
  return page;
}

static void
add_op (GArray   *page,
        OpKind    kind,
        guint     table,
        guint     index,
        gboolean  continued,
        double    y)
{
  Op op = { kind, table, index, continued, y };

  g_array_append_val (page, op);
}

static void
paginate (MarReportLayout *self)
{
  MarReport *report = self->report;
  GArray *page = new_page (self);
  double y = self->body_top;

  for (guint r = 0; r < self->figure_rows->len; r++)
    {
      double h = g_array_index (self->figure_rows, double, r);

      if (y + h > self->body_bottom && y > self->body_top)
        {
          page = new_page (self);
          y = self->body_top;
        }
      add_op (page, OP_FIGURES, 0, r, FALSE, y);
      y += h + CARD_GAP;
    }
  if (self->figure_rows->len > 0)
    y += GAP - CARD_GAP;

  for (guint t = 0; t < report->tables->len; t++)
    {
      const MarReportTable *table = g_ptr_array_index (report->tables, t);
      const TableGeometry *g = &self->tables[t];
      double first = table->rows->len > 0 ? g_array_index (g->row_heights, double, 0) : g->empty_height;
      guint on_page = 0;

      /* A heading is never left alone at the foot of a page. */
      if (y + g->heading_height + g->columns_height + first > self->body_bottom && y > self->body_top)
        {
          page = new_page (self);
          y = self->body_top;
        }
      add_op (page, OP_HEADING, t, 0, FALSE, y);
      y += g->heading_height;
      if (table->rows->len == 0)
        {
          add_op (page, OP_EMPTY, t, 0, FALSE, y);
          y += g->empty_height + GAP;
          continue;
        }
      add_op (page, OP_COLUMNS, t, 0, FALSE, y);
      y += g->columns_height;
      for (guint r = 0; r < table->rows->len; r++)
        {
          double h = g_array_index (g->row_heights, double, r);

          /* Rows are never split: the next page repeats the headings. A
           * row taller than a whole page (it cannot be: cells are short,
           * notes at most MAR_SHIFT_NOTE_MAX_CHARS) would run over. */
          if (y + h > self->body_bottom && on_page > 0)
            {
              page = new_page (self);
              y = self->body_top;
              add_op (page, OP_HEADING, t, 0, TRUE, y);
              y += g->heading_height;
              add_op (page, OP_COLUMNS, t, 0, FALSE, y);
              y += g->columns_height;
              on_page = 0;
            }
          add_op (page, OP_ROW, t, r, FALSE, y);
          y += h;
          on_page++;
        }
      y += GAP;
    }
}

MarReportLayout *
mar_report_layout_new (MarReport *report,
                       cairo_t   *cr,
                       double     width,
                       double     height)
{
  MarReportLayout *self = g_new0 (MarReportLayout, 1);
  cairo_font_options_t *options = cairo_font_options_create ();

  g_return_val_if_fail (report != NULL && cr != NULL, NULL);

  self->report = mar_report_ref (report);
  self->width = width;
  self->height = height;
  self->left = MARGIN_X;
  self->right = width - MARGIN_X;
  self->context = pango_cairo_create_context (cr);
  pango_cairo_context_set_resolution (self->context, 72);
  /* Unhinted metrics: the same line breaks on every surface. */
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (self->context, options);
  cairo_font_options_destroy (options);
  for (guint i = 0; i < N_FONTS; i++)
    self->fonts[i] = pango_font_description_from_string (font_names[i]);

  measure_header (self);
  self->body_top = MARGIN_TOP + self->header_height + GAP;
  self->body_bottom = height - MARGIN_BOTTOM - self->footer_height - 4;
  measure_figures (self);
  self->tables = g_new0 (TableGeometry, report->tables->len);
  for (guint t = 0; t < report->tables->len; t++)
    measure_table (self, g_ptr_array_index (report->tables, t), &self->tables[t]);
  self->pages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  paginate (self);
  return self;
}

void
mar_report_layout_free (MarReportLayout *self)
{
  if (self == NULL)
    return;
  for (guint t = 0; t < self->report->tables->len; t++)
    {
      g_free (self->tables[t].x);
      g_free (self->tables[t].w);
      g_array_unref (self->tables[t].row_heights);
    }
  g_free (self->tables);
  g_array_unref (self->figure_rows);
  g_ptr_array_unref (self->pages);
  for (guint i = 0; i < N_FONTS; i++)
    pango_font_description_free (self->fonts[i]);
  g_object_unref (self->context);
  mar_report_unref (self->report);
  g_free (self);
}

guint
mar_report_layout_get_n_pages (MarReportLayout *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->pages->len;
}

/* Drawing ----------------------------------------------------------------------------- */

static void
set_gray (cairo_t *cr,
          double   level)
{
  cairo_set_source_rgb (cr, level, level, level);
}

static void
hline (cairo_t *cr,
       double   x0,
       double   x1,
       double   y,
       double   width,
       double   gray)
{
  set_gray (cr, gray);
  cairo_set_line_width (cr, width);
  cairo_move_to (cr, x0, y);
  cairo_line_to (cr, x1, y);
  cairo_stroke (cr);
}

static void
draw_header (MarReportLayout *self,
             cairo_t         *cr)
{
  MarReport *report = self->report;
  double half = body_width (self) / 2;
  double top = MAX (text_height (self, FONT_TITLE, report->title, half - 6),
                    text_height (self, FONT_UNIT, report->unit_name, half - 6));
  double y = MARGIN_TOP;

  set_gray (cr, 0);
  show_text (self, cr, FONT_TITLE, report->title, self->left, y, half - 6, PANGO_ALIGN_LEFT, FALSE);
  show_text (self, cr, FONT_UNIT, report->unit_name, self->left + half + 6, y + 2, half - 6,
             PANGO_ALIGN_RIGHT, FALSE);
  y += top + 3;
  show_text (self, cr, FONT_INFO, report->shift_label, self->left, y, half - 6, PANGO_ALIGN_LEFT, FALSE);
  show_text (self, cr, FONT_INFO_BOLD, report->sign_off, self->left + half + 6, y, half - 6,
             PANGO_ALIGN_RIGHT, FALSE);
  hline (cr, self->left, self->right, MARGIN_TOP + self->header_height - 1, 1.0, 0);
}

static void
draw_footer (MarReportLayout *self,
             cairo_t         *cr,
             guint            page)
{
  g_autofree char *printed = printed_text (self->report);
  g_autofree char *context = short_context (self->report);
  g_autofree char *number = g_strdup_printf ("%u", page + 1);
  g_autofree char *total = g_strdup_printf ("%u", self->pages->len);
  /* TRANSLATORS: page number, number of pages */
  g_autofree char *of = g_strdup_printf (_("Page %s of %s"), number, total);
  double y = self->height - MARGIN_BOTTOM - self->footer_height + 4;
  double third = body_width (self) / 3;

  hline (cr, self->left, self->right, y - 3, 0.5, 0.4);
  set_gray (cr, 0.15);
  show_text (self, cr, FONT_FOOT, printed, self->left, y, third, PANGO_ALIGN_LEFT, FALSE);
  show_text (self, cr, FONT_FOOT, context, self->left + third, y, third, PANGO_ALIGN_CENTER, FALSE);
  show_text (self, cr, FONT_FOOT, of, self->left + 2 * third, y, third, PANGO_ALIGN_RIGHT, FALSE);
}

static void
draw_figures (MarReportLayout *self,
              cairo_t         *cr,
              const Op        *op)
{
  MarReport *report = self->report;
  double h = g_array_index (self->figure_rows, double, op->index);

  for (guint i = op->index * FIGURES_PER_ROW;
       i < MIN ((op->index + 1) * FIGURES_PER_ROW, report->figures->len); i++)
    {
      const MarReportFigure *figure = g_ptr_array_index (report->figures, i);
      double x = self->left + (i % FIGURES_PER_ROW) * (self->card_width + CARD_GAP);
      double label = text_height (self, FONT_CARD_LABEL, figure->label, self->card_width - 8);

      set_gray (cr, 0.95);
      cairo_rectangle (cr, x, op->y, self->card_width, h);
      cairo_fill_preserve (cr);
      set_gray (cr, 0.65);
      cairo_set_line_width (cr, 0.5);
      cairo_stroke (cr);
      set_gray (cr, 0.25);
      show_text (self, cr, FONT_CARD_LABEL, figure->label, x + 4, op->y + 3, self->card_width - 8,
                 PANGO_ALIGN_LEFT, FALSE);
      set_gray (cr, 0);
      show_text (self, cr, FONT_CARD_VALUE, figure->value, x + 4, op->y + 3 + label + 1, self->card_width - 8,
                 PANGO_ALIGN_LEFT, FALSE);
    }
}

static PangoAlignment
column_alignment (const MarReportColumn *column)
{
  return column->align == MAR_REPORT_ALIGN_END ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT;
}

static void
draw_table_op (MarReportLayout *self,
               cairo_t         *cr,
               const Op        *op)
{
  const MarReportTable *table = g_ptr_array_index (self->report->tables, op->table);
  const TableGeometry *g = &self->tables[op->table];

  switch (op->kind)
    {
    case OP_HEADING:
      {
        g_autofree char *title = op->continued
                                 /* TRANSLATORS: a table's heading on the next page */
                                 ? g_strdup_printf (_("%s (continued)"), table->title)
                                 : g_strdup (table->title);

        set_gray (cr, 0);
        show_text (self, cr, FONT_HEADING, title, self->left, op->y, body_width (self), PANGO_ALIGN_LEFT, FALSE);
      }
      break;

    case OP_COLUMNS:
      set_gray (cr, 0.84);
      cairo_rectangle (cr, self->left, op->y, body_width (self), g->columns_height);
      cairo_fill (cr);
      set_gray (cr, 0);
      for (guint c = 0; c < table->columns->len; c++)
        {
          const MarReportColumn *column = g_ptr_array_index (table->columns, c);

          show_text (self, cr, FONT_BODY_BOLD, column->title, g->x[c] + PAD_X, op->y + PAD_Y,
                     g->w[c] - 2 * PAD_X, column_alignment (column), FALSE);
        }
      break;

    case OP_EMPTY:
      set_gray (cr, 0.2);
      show_text (self, cr, FONT_EMPTY, table->empty_text, self->left + PAD_X, op->y + PAD_Y,
                 body_width (self) - 2 * PAD_X, PANGO_ALIGN_LEFT, FALSE);
      break;

    case OP_ROW:
      {
        const MarReportRow *row = g_ptr_array_index (table->rows, op->index);
        double h = g_array_index (g->row_heights, double, op->index);
        gboolean flagged = (row->style & MAR_REPORT_ROW_FLAGGED) != 0;
        gboolean struck = (row->style & MAR_REPORT_ROW_ENTERED_IN_ERROR) != 0;

        /* Shading alone would vanish on a poor printer: flagged rows also
         * get a solid bar in the margin. */
        if (flagged || op->index % 2 == 1)
          {
            set_gray (cr, flagged ? 0.91 : 0.965);
            cairo_rectangle (cr, self->left, op->y, body_width (self), h);
            cairo_fill (cr);
          }
        if (flagged)
          {
            set_gray (cr, 0);
            cairo_rectangle (cr, self->left - FLAG_BAR - 1.5, op->y + 0.5, FLAG_BAR, h - 1);
            cairo_fill (cr);
          }
        set_gray (cr, struck ? 0.35 : 0);
        for (guint c = 0; c < table->columns->len; c++)
          show_text (self, cr, FONT_BODY, row->texts[c], g->x[c] + PAD_X, op->y + PAD_Y, g->w[c] - 2 * PAD_X,
                     column_alignment (g_ptr_array_index (table->columns, c)), struck);
        hline (cr, self->left, self->right, op->y + h, 0.3, 0.7);
      }
      break;

    case OP_FIGURES:
    default:
      break;
    }
}

void
mar_report_layout_render_page (MarReportLayout *self,
                               cairo_t         *cr,
                               guint            page)
{
  GArray *ops;

  g_return_if_fail (self != NULL && cr != NULL);
  g_return_if_fail (page < self->pages->len);

  cairo_save (cr);
  pango_cairo_update_context (cr, self->context);
  set_gray (cr, 1);
  cairo_rectangle (cr, 0, 0, self->width, self->height);
  cairo_fill (cr);
  draw_header (self, cr);
  ops = g_ptr_array_index (self->pages, page);
  for (guint i = 0; i < ops->len; i++)
    {
      const Op *op = &g_array_index (ops, Op, i);

      if (op->kind == OP_FIGURES)
        draw_figures (self, cr, op);
      else
        draw_table_op (self, cr, op);
    }
  draw_footer (self, cr, page);
  cairo_restore (cr);
}

guint
mar_report_get_n_pages (MarReport *report,
                        cairo_t   *cr,
                        double     width,
                        double     height)
{
  g_autoptr(MarReportLayout) layout = mar_report_layout_new (report, cr, width, height);

  return mar_report_layout_get_n_pages (layout);
}

void
mar_report_render_page (MarReport *report,
                        cairo_t   *cr,
                        guint      page,
                        double     width,
                        double     height)
{
  g_autoptr(MarReportLayout) layout = mar_report_layout_new (report, cr, width, height);

  mar_report_layout_render_page (layout, cr, page);
}

/* PDF ----------------------------------------------------------------------------------- */

static cairo_status_t
append_bytes (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

GBytes *
mar_report_to_pdf (MarReport       *report,
                   MarReportPaper   paper,
                   GError         **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(MarReportLayout) layout = NULL;
  g_autofree char *title = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;
  double width, height;

  g_return_val_if_fail (report != NULL, NULL);

  mar_report_paper_get_size (paper, &width, &height);
  surface = cairo_pdf_surface_create_for_stream (append_bytes, bytes, width, height);
  title = g_strdup_printf ("%s — %s — %s", report->title, report->unit_name != NULL ? report->unit_name : "",
                           report->shift_label != NULL ? report->shift_label : "");
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Bedside MAR " PACKAGE_VERSION);
  cr = cairo_create (surface);
  layout = mar_report_layout_new (report, cr, width, height);
  for (guint page = 0; page < mar_report_layout_get_n_pages (layout); page++)
    {
      mar_report_layout_render_page (layout, cr, page);
      cairo_show_page (cr);
    }
  status = cairo_status (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("The PDF could not be made: %s"),
                   cairo_status_to_string (status));
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}
