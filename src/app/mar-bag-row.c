/* mar-bag-row.c — one bag of this terminal's record, with what can be done to it
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-bag-row"

#include "config.h"

#include "mar-bag-row.h"

#include <glib/gi18n.h>

#include "mar-format.h"

struct _MarBagRow
{
  GtkWidget    parent_instance;

  GtkWidget   *box;
  GtkImage    *state_icon;
  GtkLabel    *state_label;
  GtkLabel    *title_label;
  GtkLabel    *facts_label;
  GtkFlowBox  *actions_box;

  gint64       infusion_id;
  GPtrArray   *buttons;
};

enum {
  SIGNAL_ACTION,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MarBagRow, mar_bag_row, GTK_TYPE_WIDGET)

/* The actions a bag row offers, in the order a nurse needs them. Not
 * given / held / refused without a hung bag are on the due doses; a new
 * bag is scanned like any bag. */
static const struct {
  MarInfusionAction  action;
  const char        *label;
  const char        *icon_name;
  const char        *style;
} bag_actions[] = {
  { MAR_INFUSION_ACTION_RATE, N_("Change rate"), "mar-rate-symbolic", NULL },
  { MAR_INFUSION_ACTION_PAUSE, N_("Pause"), "media-playback-pause-symbolic", NULL },
  { MAR_INFUSION_ACTION_RESUME, N_("Resume"), "media-playback-start-symbolic", NULL },
  { MAR_INFUSION_ACTION_BOLUS, N_("Bolus"), "mar-bolus-symbolic", NULL },
  { MAR_INFUSION_ACTION_SITE_CHECK, N_("Site check"), "mar-site-symbolic", NULL },
  { MAR_INFUSION_ACTION_REACTION, N_("Reaction"), "dialog-warning-symbolic", "warning-action" },
  { MAR_INFUSION_ACTION_COMPLETE, N_("Complete"), "emblem-ok-symbolic", NULL },
  { MAR_INFUSION_ACTION_STOP, N_("Stop"), "media-playback-stop-symbolic", "destructive-action" },
  { MAR_INFUSION_ACTION_HOLD, N_("Hold"), "mar-hold-symbolic", NULL },
  { MAR_INFUSION_ACTION_REFUSE, N_("Refused"), "mar-refused-symbolic", NULL },
};

static void
action_clicked_cb (MarBagRow *self,
                   GtkButton *button)
{
  MarInfusionAction action = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "mar-action"));

  g_signal_emit (self, signals[SIGNAL_ACTION], 0, (int) action);
}

static void
mar_bag_row_dispose (GObject *object)
{
  GtkWidget *child;
  MarBagRow *self = (MarBagRow *) object;

  g_clear_pointer (&self->buttons, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), MAR_TYPE_BAG_ROW);
  /* The template's top-level child is not bound: unparent it too. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (mar_bag_row_parent_class)->dispose (object);
}

static void
mar_bag_row_class_init (MarBagRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mar_bag_row_dispose;

  /* ::action (int MarInfusionAction): a button of the row was pressed. */
  signals[SIGNAL_ACTION] =
    g_signal_new ("action", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/bedsidemar/BedsideMar/ui/mar-bag-row.ui");
  gtk_widget_class_bind_template_child (widget_class, MarBagRow, box);
  gtk_widget_class_bind_template_child (widget_class, MarBagRow, state_icon);
  gtk_widget_class_bind_template_child (widget_class, MarBagRow, state_label);
  gtk_widget_class_bind_template_child (widget_class, MarBagRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, MarBagRow, facts_label);
  gtk_widget_class_bind_template_child (widget_class, MarBagRow, actions_box);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "bagrow");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
mar_bag_row_init (MarBagRow *self)
{
  self->buttons = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

static const char *
state_icon_name (MarInfusionState state)
{
  switch (state)
    {
    case MAR_INFUSION_INFUSING:
      return "mar-iv-bag-symbolic";
    case MAR_INFUSION_PAUSED:
      return "media-playback-pause-symbolic";
    case MAR_INFUSION_STOPPED:
      return "media-playback-stop-symbolic";
    case MAR_INFUSION_COMPLETED:
      return "emblem-ok-symbolic";
    case MAR_INFUSION_AVAILABLE:
      return "mar-scan-symbolic";
    case MAR_INFUSION_HELD:
    case MAR_INFUSION_REFUSED:
    case MAR_INFUSION_MISSING:
    case MAR_INFUSION_NOT_GIVEN:
    case MAR_INFUSION_ENTERED_IN_ERROR:
    case MAR_INFUSION_N_STATES:
    default:
      return "mar-hold-symbolic";
    }
}

GtkWidget *
mar_bag_row_new (const MarInfusion *infusion,
                 GTimeZone         *time_zone,
                 gint64             now)
{
  MarBagRow *self = g_object_new (MAR_TYPE_BAG_ROW, NULL);
  g_autoptr(GPtrArray) facts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *facts_text = NULL;
  g_autofree char *state_word = g_utf8_strup (mar_infusion_state_get_label (infusion->state), -1);
  g_autofree char *accessible = NULL;
  double cap = mar_infusion_get_cap_ml (infusion);

  self->infusion_id = infusion->id;
  gtk_label_set_label (self->title_label, infusion->medication);
  gtk_label_set_label (self->state_label, state_word);
  gtk_image_set_from_icon_name (self->state_icon, state_icon_name (infusion->state));
  gtk_widget_add_css_class (self->box, mar_infusion_state_to_string (infusion->state));

  if (infusion->started_at != MAR_TIME_UNSET)
    {
      g_autofree char *clock = mar_format_clock (time_zone, infusion->started_at);

      /* Translators: when the bag was started. */
      g_ptr_array_add (facts, g_strdup_printf (_("started %s"), clock));
    }
  if (mar_infusion_state_is_hung (infusion->state))
    {
      g_autofree char *rate = mar_format_number (infusion->rate_ml_per_h, 1);
      g_autofree char *infused = mar_format_number (mar_infusion_get_volume_at (infusion, now), 0);

      g_ptr_array_add (facts, g_strdup_printf (_("%s mL/h"), rate));
      if (cap < G_MAXDOUBLE)
        {
          g_autofree char *total = mar_format_number (cap, 0);

          /* Translators: volume infused so far of the bag's volume (an estimate). */
          g_ptr_array_add (facts, g_strdup_printf (_("about %s of %s mL infused"), infused, total));
        }
      else
        /* Translators: volume infused so far (an estimate). */
        g_ptr_array_add (facts, g_strdup_printf (_("about %s mL infused"), infused));
    }
  if (infusion->requires_witness)
    g_ptr_array_add (facts, g_strdup (_("high-alert: witness needed")));
  g_ptr_array_add (facts, NULL);
  facts_text = g_strjoinv (" · ", (char **) facts->pdata);
  gtk_label_set_label (self->facts_label, facts_text);

  for (guint i = 0; i < G_N_ELEMENTS (bag_actions); i++)
    {
      GtkWidget *button;
      GtkWidget *content;

      if (!mar_infusion_state_allows (infusion->state, bag_actions[i].action, NULL))
        continue;
      /* Held and refused are for a bag at the bedside, not hung yet. */
      if ((bag_actions[i].action == MAR_INFUSION_ACTION_HOLD ||
           bag_actions[i].action == MAR_INFUSION_ACTION_REFUSE) &&
          infusion->state != MAR_INFUSION_AVAILABLE)
        continue;
      button = gtk_button_new ();
      content = adw_button_content_new ();
      adw_button_content_set_icon_name (ADW_BUTTON_CONTENT (content), bag_actions[i].icon_name);
      adw_button_content_set_label (ADW_BUTTON_CONTENT (content), _(bag_actions[i].label));
      gtk_button_set_child (GTK_BUTTON (button), content);
      gtk_widget_add_css_class (button, "touch");
      if (bag_actions[i].style != NULL)
        gtk_widget_add_css_class (button, bag_actions[i].style);
      g_object_set_data (G_OBJECT (button), "mar-action", GINT_TO_POINTER (bag_actions[i].action));
      g_signal_connect_object (button, "clicked", G_CALLBACK (action_clicked_cb), self, G_CONNECT_SWAPPED);
      gtk_flow_box_append (self->actions_box, button);
      g_ptr_array_add (self->buttons, button);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->actions_box), self->buttons->len > 0);

  accessible = g_strdup_printf ("%s: %s. %s", infusion->medication, state_word, facts_text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  return GTK_WIDGET (self);
}

gint64
mar_bag_row_get_infusion_id (MarBagRow *self)
{
  g_return_val_if_fail (MAR_IS_BAG_ROW (self), 0);
  return self->infusion_id;
}

void
mar_bag_row_set_actions_enabled (MarBagRow *self,
                                 gboolean   enabled)
{
  g_return_if_fail (MAR_IS_BAG_ROW (self));

  for (guint i = 0; i < self->buttons->len; i++)
    gtk_widget_set_sensitive (g_ptr_array_index (self->buttons, i), enabled);
}

void
mar_bag_row_set_highlighted (MarBagRow *self,
                             gboolean   highlighted)
{
  g_return_if_fail (MAR_IS_BAG_ROW (self));

  if (highlighted)
    gtk_widget_add_css_class (self->box, "highlighted");
  else
    gtk_widget_remove_css_class (self->box, "highlighted");
}
