/* mar-shift-timeline.c — one patient's bags over the shift, as step charts of their rate
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-shift-timeline"

#include "config.h"

#include "mar-shift-timeline.h"

#include <glib/gi18n.h>
#include <math.h>

#include "mar-time.h"

#define LEGEND_HEIGHT 36.0
#define AXIS_HEIGHT   34.0
#define LANE_HEIGHT   128.0
#define GUTTER_WIDTH  260.0
#define PAD           12.0

typedef struct
{
  const MarShiftBag *bag;       /* (transfer none) owned by the log */
  GArray            *reactions; /* gint64: times of the bag's reactions in the shift */
} Lane;

struct _MarShiftTimeline
{
  GtkWidget    parent_instance;

  MarShiftLog *log;
  char        *patient_id;
  GArray      *lanes;        /* (Lane) */
  guint        n_reactions;
};

G_DEFINE_FINAL_TYPE (MarShiftTimeline, mar_shift_timeline, GTK_TYPE_WIDGET)

static void
lane_clear (gpointer data)
{
  Lane *lane = data;

  g_clear_pointer (&lane->reactions, g_array_unref);
}

static void
rebuild (MarShiftTimeline *self)
{
  GPtrArray *bags;
  guint n_events;

  g_array_set_size (self->lanes, 0);
  self->n_reactions = 0;
  if (self->log == NULL || self->patient_id == NULL)
    goto out;

  bags = mar_shift_log_get_bags (self->log);
  n_events = g_list_model_get_n_items (G_LIST_MODEL (self->log));
  for (guint i = 0; i < bags->len; i++)
    {
      const MarShiftBag *bag = g_ptr_array_index (bags, i);
      Lane lane = { bag, g_array_new (FALSE, FALSE, sizeof (gint64)) };

      if (g_strcmp0 (bag->infusion->patient_id, self->patient_id) != 0)
        {
          g_array_unref (lane.reactions);
          continue;
        }
      for (guint j = 0; j < n_events; j++)
        {
          g_autoptr(MarShiftLogEvent) event = g_list_model_get_item (G_LIST_MODEL (self->log), j);
          MarShiftFlags flags = mar_shift_log_event_get_flags (event);
          gint64 at = mar_shift_log_event_get_time (event);

          if ((flags & MAR_SHIFT_FLAG_REACTION) != 0 && (flags & MAR_SHIFT_FLAG_ENTERED_IN_ERROR) == 0
              && mar_shift_log_event_get_infusion (event) == bag->infusion->id)
            g_array_append_val (lane.reactions, at);
        }
      self->n_reactions += lane.reactions->len;
      g_array_append_val (self->lanes, lane);
    }

out:
  gtk_widget_queue_resize (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* ---- Drawing ---- */

typedef struct
{
  GdkRGBA fg;
  GdkRGBA dim;
  GdkRGBA grid;
  GdkRGBA rate;
  GdkRGBA fill;
  GdkRGBA reaction;
} Palette;

static void
get_palette (MarShiftTimeline *self,
             Palette          *p)
{
  gboolean dark;

  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), &p->fg);
  /* Light text means a dark theme: the lines take the lighter shades
   * (4.5:1 against the view's background either way). */
  dark = (0.2126 * p->fg.red + 0.7152 * p->fg.green + 0.0722 * p->fg.blue) > 0.5;
  p->dim = p->fg;
  p->dim.alpha = 0.75;
  p->grid = p->fg;
  p->grid.alpha = 0.15;
  gdk_rgba_parse (&p->rate, dark ? "#78aeed" : "#1a5fb4");
  p->fill = p->rate;
  p->fill.alpha = 0.18;
  gdk_rgba_parse (&p->reaction, dark ? "#ff7b63" : "#a51d2d");
}

static void
show_text (MarShiftTimeline *self,
           cairo_t          *cr,
           const GdkRGBA    *color,
           double            x,
           double            y,
           double            max_width,
           gboolean          bold,
           const char       *text)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);

  if (bold)
    {
      g_autofree char *markup = g_markup_printf_escaped ("<b>%s</b>", text);
      pango_layout_set_markup (layout, markup, -1);
    }
  else
    pango_layout_set_text (layout, text, -1);
  if (max_width > 0)
    {
      /* Two lines at most, then an ellipsis: a drug's name stays legible. */
      pango_layout_set_width (layout, (int) (max_width * PANGO_SCALE));
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
      pango_layout_set_height (layout, -2);
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
    }
  gdk_cairo_set_source_rgba (cr, color);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

static double
text_width (MarShiftTimeline *self,
            const char       *text)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  int width = 0;

  pango_layout_get_pixel_size (layout, &width, NULL);
  return width;
}

/* A triangle with an exclamation mark: the reaction marker, drawn the same
 * in the legend and on the lanes. */
static void
draw_reaction_marker (cairo_t       *cr,
                      const Palette *p,
                      double         x,
                      double         y)
{
  gdk_cairo_set_source_rgba (cr, &p->reaction);
  cairo_move_to (cr, x, y - 9);
  cairo_line_to (cr, x + 9, y + 7);
  cairo_line_to (cr, x - 9, y + 7);
  cairo_close_path (cr);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_set_line_width (cr, 2);
  cairo_move_to (cr, x, y - 3);
  cairo_line_to (cr, x, y + 2);
  cairo_stroke (cr);
  cairo_rectangle (cr, x - 1, y + 3.5, 2, 2);
  cairo_fill (cr);
}

static char *
format_local (MarShiftTimeline *self,
              gint64            t)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (t);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, mar_shift_log_get_time_zone (self->log));

  return g_date_time_format (local, "%H:%M");
}

static void
draw (MarShiftTimeline *self,
      cairo_t          *cr,
      double            width)
{
  const MarShift *shift = mar_shift_log_get_shift (self->log);
  gint64 start = shift->start, end = shift->end;
  gint64 until = MIN (end, mar_shift_log_get_now (self->log));
  double x0 = GUTTER_WIDTH, x1 = width - PAD;
  double span = (double) (end - start);
  double max_rate = 0;
  Palette p;
  double y;

#define X_OF(t) (x0 + (x1 - x0) * ((double) ((t) - start) / span))

  if (x1 <= x0 + 50)
    return;
  get_palette (self, &p);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);

  /* Legend: what each mark means, in words. */
  {
    double lx = PAD;

    cairo_set_line_width (cr, 3);
    gdk_cairo_set_source_rgba (cr, &p.rate);
    cairo_move_to (cr, lx, 16);
    cairo_line_to (cr, lx + 28, 16);
    cairo_stroke (cr);
    show_text (self, cr, &p.fg, lx + 36, 6, -1, FALSE, _("Rate (mL/h); zero while paused"));
    lx += 36 + text_width (self, _("Rate (mL/h); zero while paused")) + 32;
    draw_reaction_marker (cr, &p, lx + 9, 16);
    show_text (self, cr, &p.fg, lx + 26, 6, -1, FALSE, _("Reaction or site complication"));
  }

  for (guint i = 0; i < self->lanes->len; i++)
    {
      const Lane *lane = &g_array_index (self->lanes, Lane, i);
      GArray *segments = lane->bag->infusion->segments;

      for (guint j = 0; j < segments->len; j++)
        max_rate = MAX (max_rate, g_array_index (segments, MarInfusionSegment, j).rate_ml_per_h);
    }
  if (max_rate <= 0)
    max_rate = 100;

  y = LEGEND_HEIGHT;
  for (guint i = 0; i < self->lanes->len; i++)
    {
      const Lane *lane = &g_array_index (self->lanes, Lane, i);
      const MarShiftBag *bag = lane->bag;
      GArray *segments = bag->infusion->segments;
      double top = y + 10, bottom = y + LANE_HEIGHT - 14;
      g_autofree char *volume = g_strdup_printf (_("%.0f mL in the shift"), bag->volume_in_shift_ml);
      double last_rate = -1;
      gint64 last_end = G_MININT64;

#define Y_OF(r) (bottom - (bottom - top) * ((r) / (max_rate * 1.15)))

      /* The lane: drug, volume, scale. */
      show_text (self, cr, &p.fg, PAD, top, GUTTER_WIDTH - 2 * PAD, TRUE,
                 bag->infusion->medication != NULL ? bag->infusion->medication : _("IV bag"));
      show_text (self, cr, &p.fg, PAD, top + 46, GUTTER_WIDTH - 2 * PAD, FALSE, volume);
      if (lane->reactions->len > 0)
        {
          g_autofree char *reactions = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u reaction", "%u reactions",
                                                                     lane->reactions->len),
                                                        lane->reactions->len);
          draw_reaction_marker (cr, &p, PAD + 9, top + 80);
          show_text (self, cr, &p.reaction, PAD + 24, top + 70, GUTTER_WIDTH - 2 * PAD - 24, TRUE, reactions);
        }

      gdk_cairo_set_source_rgba (cr, &p.grid);
      cairo_set_line_width (cr, 1);
      cairo_rectangle (cr, x0, top, x1 - x0, bottom - top);
      cairo_stroke (cr);

      /* The step chart: each segment at its rate, zero between them. */
      cairo_set_line_width (cr, 3);
      for (guint j = 0; j < segments->len; j++)
        {
          const MarInfusionSegment *s = &g_array_index (segments, MarInfusionSegment, j);
          gint64 a = MAX (s->start, start);
          gint64 b = s->end == MAR_TIME_UNSET ? until : MIN (s->end, end);
          double ya = Y_OF (s->rate_ml_per_h);

          if (b <= a)
            continue;
          gdk_cairo_set_source_rgba (cr, &p.fill);
          cairo_rectangle (cr, X_OF (a), ya, X_OF (b) - X_OF (a), bottom - ya);
          cairo_fill (cr);
          gdk_cairo_set_source_rgba (cr, &p.rate);
          cairo_move_to (cr, X_OF (a), bottom);
          cairo_line_to (cr, X_OF (a), ya);
          cairo_line_to (cr, X_OF (b), ya);
          cairo_line_to (cr, X_OF (b), bottom);
          cairo_stroke (cr);
          /* Labelled at each change of rate, and again after a pause:
           * a resumed bag's rate is read, not inferred from the left. */
          if (s->rate_ml_per_h != last_rate || a > last_end)
            {
              g_autofree char *rate = g_strdup_printf (_("%g mL/h"), s->rate_ml_per_h);

              show_text (self, cr, &p.rate, X_OF (a) + 4, ya - 22, -1, TRUE, rate);
              last_rate = s->rate_ml_per_h;
            }
          last_end = b;
        }

      for (guint j = 0; j < lane->reactions->len; j++)
        {
          gint64 at = g_array_index (lane->reactions, gint64, j);
          double x = X_OF (CLAMP (at, start, end));

          gdk_cairo_set_source_rgba (cr, &p.reaction);
          cairo_set_line_width (cr, 2);
          cairo_move_to (cr, x, top);
          cairo_line_to (cr, x, bottom);
          cairo_stroke (cr);
          draw_reaction_marker (cr, &p, x, bottom - 12);
          show_text (self, cr, &p.reaction, x + 12, bottom - 24, -1, TRUE, _("Reaction"));
        }
#undef Y_OF
      y += LANE_HEIGHT;
    }

  /* The hours, in the unit's local time (a DST night shows the jump). */
  {
    gint64 step = (end - start) > 16 * 3600 ? 4 * 3600 : 2 * 3600;

    cairo_set_line_width (cr, 1);
    for (gint64 t = start; t <= end; t += step)
      {
        g_autofree char *label = format_local (self, t);
        double x = X_OF (t);
        double w = text_width (self, label);

        gdk_cairo_set_source_rgba (cr, &p.grid);
        cairo_move_to (cr, x + 0.5, LEGEND_HEIGHT);
        cairo_line_to (cr, x + 0.5, y + 6);
        cairo_stroke (cr);
        show_text (self, cr, &p.fg, CLAMP (x - w / 2, x0, x1 - w), y + 8, -1, FALSE, label);
      }
    if (until < end && until > start)
      {
        gdk_cairo_set_source_rgba (cr, &p.dim);
        cairo_set_dash (cr, (double[]) { 4, 4 }, 2, 0);
        cairo_move_to (cr, X_OF (until), LEGEND_HEIGHT);
        cairo_line_to (cr, X_OF (until), y);
        cairo_stroke (cr);
        cairo_set_dash (cr, NULL, 0, 0);
        show_text (self, cr, &p.dim, X_OF (until) + 4, LEGEND_HEIGHT, -1, FALSE, _("Now"));
      }
  }
#undef X_OF
}

static void
mar_shift_timeline_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  MarShiftTimeline *self = MAR_SHIFT_TIMELINE (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (self->log == NULL || width <= 0 || height <= 0)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (self->lanes->len == 0)
    {
      Palette p;

      get_palette (self, &p);
      show_text (self, cr, &p.dim, PAD, PAD, width - 2 * PAD, FALSE,
                 self->patient_id == NULL ? _("Pick a patient to see their bags over the shift.")
                                          : _("No IV bags in this shift for this patient."));
    }
  else
    draw (self, cr, width);
  cairo_destroy (cr);
}

static void
mar_shift_timeline_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  MarShiftTimeline *self = MAR_SHIFT_TIMELINE (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = (int) GUTTER_WIDTH + 300;
      *natural = (int) GUTTER_WIDTH + 800;
    }
  else
    {
      *minimum = *natural = self->lanes->len == 0
                            ? 60 : (int) (LEGEND_HEIGHT + LANE_HEIGHT * self->lanes->len + AXIS_HEIGHT);
    }
}

static void
mar_shift_timeline_finalize (GObject *object)
{
  MarShiftTimeline *self = (MarShiftTimeline *) object;

  g_clear_pointer (&self->lanes, g_array_unref);
  g_clear_object (&self->log);
  g_clear_pointer (&self->patient_id, g_free);

  G_OBJECT_CLASS (mar_shift_timeline_parent_class)->finalize (object);
}

static void
mar_shift_timeline_class_init (MarShiftTimelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = mar_shift_timeline_finalize;
  widget_class->snapshot = mar_shift_timeline_snapshot;
  widget_class->measure = mar_shift_timeline_measure;
  gtk_widget_class_set_css_name (widget_class, "shifttimeline");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
mar_shift_timeline_init (MarShiftTimeline *self)
{
  self->lanes = g_array_new (FALSE, FALSE, sizeof (Lane));
  g_array_set_clear_func (self->lanes, lane_clear);
}

GtkWidget *
mar_shift_timeline_new (void)
{
  return g_object_new (MAR_TYPE_SHIFT_TIMELINE, NULL);
}

void
mar_shift_timeline_set_log (MarShiftTimeline *self,
                            MarShiftLog      *log)
{
  g_return_if_fail (MAR_IS_SHIFT_TIMELINE (self));

  /* The lanes borrow the log's bags: drop them before the log. */
  g_array_set_size (self->lanes, 0);
  g_set_object (&self->log, log);
  rebuild (self);
}

void
mar_shift_timeline_set_patient (MarShiftTimeline *self,
                                const char       *patient_id)
{
  g_return_if_fail (MAR_IS_SHIFT_TIMELINE (self));

  g_free (self->patient_id);
  self->patient_id = g_strdup (patient_id);
  rebuild (self);
}

const char *
mar_shift_timeline_get_patient (MarShiftTimeline *self)
{
  g_return_val_if_fail (MAR_IS_SHIFT_TIMELINE (self), NULL);
  return self->patient_id;
}

guint
mar_shift_timeline_get_n_bags (MarShiftTimeline *self)
{
  g_return_val_if_fail (MAR_IS_SHIFT_TIMELINE (self), 0);
  return self->lanes->len;
}

guint
mar_shift_timeline_get_n_reactions (MarShiftTimeline *self)
{
  g_return_val_if_fail (MAR_IS_SHIFT_TIMELINE (self), 0);
  return self->n_reactions;
}
