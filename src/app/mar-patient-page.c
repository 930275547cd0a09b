/* mar-patient-page.c — one patient: identity, bags, doses due
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-patient-page"

#include "config.h"

#include "mar-patient-page.h"

#include <glib/gi18n.h>

#include "mar-bag-row.h"
#include "mar-bed-row.h"
#include "mar-format.h"
#include "mar-patient-banner.h"
#include "mar-patient-summary.h"

struct _MarPatientPage
{
  GtkWidget         parent_instance;

  GtkWidget        *scroller;
  MarPatientBanner *banner;
  GtkWidget        *identity_box;
  GtkImage         *identity_icon;
  GtkLabel         *identity_label;
  GtkBox           *bags_box;
  GtkBox           *doses_box;

  MarTerminal      *terminal;
  char             *patient_id;
  MarScanResult    *wristband;
  gint64            highlighted;
};

enum {
  SIGNAL_BAG_ACTION,
  SIGNAL_NOT_GIVEN,
  SIGNAL_IMAGE_DROPPED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MarPatientPage, mar_patient_page, GTK_TYPE_WIDGET)

static void
clear_box (GtkBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_box_remove (box, child);
}

static void
bag_action_cb (MarPatientPage *self,
               int             action,
               MarBagRow      *row)
{
  g_signal_emit (self, signals[SIGNAL_BAG_ACTION], 0, mar_bag_row_get_infusion_id (row), action);
}

static void
not_given_clicked_cb (MarPatientPage *self,
                      GtkButton      *button)
{
  g_signal_emit (self, signals[SIGNAL_NOT_GIVEN], 0, g_object_get_data (G_OBJECT (button), "mar-order-id"));
}

static void
update_identity (MarPatientPage *self)
{
  gboolean confirmed = self->wristband != NULL;

  gtk_image_set_from_icon_name (self->identity_icon, confirmed ? "mar-scan-symbolic" : "mar-wristband-symbolic");
  gtk_label_set_label (self->identity_label,
                       confirmed ? _("Wristband scanned. Scan the bag.")
                                 : _("Scan the patient's wristband before giving or documenting anything."));
  gtk_widget_remove_css_class (self->identity_box, confirmed ? "unconfirmed" : "confirmed");
  gtk_widget_add_css_class (self->identity_box, confirmed ? "confirmed" : "unconfirmed");
}

static GtkWidget *
dose_row_new (MarPatientPage   *self,
              const MarDueDose *dose)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  GtkWidget *label = mar_due_dose_label_new (dose, mar_terminal_get_time_zone (self->terminal));
  GtkWidget *button = gtk_button_new_with_label (_("Not given…"));

  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), label);
  gtk_widget_add_css_class (button, "touch");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_sensitive (button, self->wristband != NULL);
  g_object_set_data_full (G_OBJECT (button), "mar-order-id", g_strdup (dose->order_id), g_free);
  g_signal_connect_object (button, "clicked", G_CALLBACK (not_given_clicked_cb), self, G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (box), button);
  return box;
}

static GtkWidget *
placeholder_new (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (label, "body-large");
  return label;
}

void
mar_patient_page_refresh (MarPatientPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarPatientSummary) summary = NULL;
  g_autoptr(GPtrArray) bags = NULL;
  GTimeZone *tz;
  gint64 now;
  guint shown = 0;

  g_return_if_fail (MAR_IS_PATIENT_PAGE (self));

  if (self->patient_id == NULL)
    return;

  clear_box (self->bags_box);
  clear_box (self->doses_box);
  update_identity (self);

  tz = mar_terminal_get_time_zone (self->terminal);
  now = mar_terminal_get_now (self->terminal);
  summary = mar_patient_summary_read (mar_terminal_get_verifier (self->terminal),
                                      mar_terminal_get_record (self->terminal),
                                      self->patient_id, now, &error);
  if (summary == NULL)
    {
      gtk_box_append (self->bags_box, placeholder_new (error->message));
      return;
    }
  mar_patient_banner_set_summary (self->banner, summary, tz, now);

  /* This terminal's bags that are still in hand: hung or at the bedside. */
  bags = mar_record_list_infusions (mar_terminal_get_record (self->terminal), self->patient_id, -1, &error);
  for (guint i = 0; bags != NULL && i < bags->len; i++)
    {
      const MarInfusion *bag = g_ptr_array_index (bags, i);
      GtkWidget *row;

      if (!mar_infusion_state_is_hung (bag->state) && bag->state != MAR_INFUSION_AVAILABLE)
        continue;
      row = mar_bag_row_new (bag, tz, now);
      mar_bag_row_set_actions_enabled (MAR_BAG_ROW (row), self->wristband != NULL);
      mar_bag_row_set_highlighted (MAR_BAG_ROW (row), bag->id == self->highlighted);
      g_signal_connect_object (row, "action", G_CALLBACK (bag_action_cb), self, G_CONNECT_SWAPPED);
      gtk_box_append (self->bags_box, row);
      shown++;
    }
  /* Bags hung by another terminal: shown, documented where they were hung. */
  for (guint i = 0; i < summary->infusions->len; i++)
    {
      const MarRunningInfusion *running = g_ptr_array_index (summary->infusions, i);
      GtkWidget *box;
      GtkWidget *note;

      if (running->infusion_id != 0)
        continue;
      box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
      gtk_box_append (GTK_BOX (box), mar_running_label_new (running));
      note = placeholder_new (_("Charted by another terminal: document it there."));
      gtk_box_append (GTK_BOX (box), note);
      gtk_box_append (self->bags_box, box);
      shown++;
    }
  if (shown == 0)
    gtk_box_append (self->bags_box, placeholder_new (_("No IV bag running.")));

  for (guint i = 0; i < summary->doses->len; i++)
    gtk_box_append (self->doses_box, dose_row_new (self, g_ptr_array_index (summary->doses, i)));
  if (summary->doses->len == 0)
    gtk_box_append (self->doses_box, placeholder_new (_("No IV dose due in the next hour.")));
}

static gboolean
drop_cb (GtkDropTarget  *target,
         const GValue   *value,
         double          x,
         double          y,
         MarPatientPage *self)
{
  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      GSList *files = g_value_get_boxed (value);

      if (files == NULL)
        return FALSE;
      g_signal_emit (self, signals[SIGNAL_IMAGE_DROPPED], 0, files->data);
      return TRUE;
    }
  return FALSE;
}

static void
mar_patient_page_dispose (GObject *object)
{
  GtkWidget *child;
  MarPatientPage *self = (MarPatientPage *) object;

  g_clear_object (&self->terminal);
  g_clear_pointer (&self->wristband, mar_scan_result_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), MAR_TYPE_PATIENT_PAGE);
  /* The template's top-level child is not bound: unparent it too. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (mar_patient_page_parent_class)->dispose (object);
}

static void
mar_patient_page_finalize (GObject *object)
{
  MarPatientPage *self = (MarPatientPage *) object;

  g_free (self->patient_id);
  G_OBJECT_CLASS (mar_patient_page_parent_class)->finalize (object);
}

static void
mar_patient_page_class_init (MarPatientPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mar_patient_page_dispose;
  object_class->finalize = mar_patient_page_finalize;

  /* ::bag-action (gint64 infusion, int MarInfusionAction) */
  signals[SIGNAL_BAG_ACTION] =
    g_signal_new ("bag-action", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_INT);
  /* ::not-given (const char *order_id): a due dose held, refused, missing. */
  signals[SIGNAL_NOT_GIVEN] =
    g_signal_new ("not-given", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* ::image-dropped (GFile *): a photo of a label to read. */
  signals[SIGNAL_IMAGE_DROPPED] =
    g_signal_new ("image-dropped", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_FILE);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/bedsidemar/BedsideMar/ui/mar-patient-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MarPatientPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, MarPatientPage, banner);
  gtk_widget_class_bind_template_child (widget_class, MarPatientPage, identity_box);
  gtk_widget_class_bind_template_child (widget_class, MarPatientPage, identity_icon);
  gtk_widget_class_bind_template_child (widget_class, MarPatientPage, identity_label);
  gtk_widget_class_bind_template_child (widget_class, MarPatientPage, bags_box);
  gtk_widget_class_bind_template_child (widget_class, MarPatientPage, doses_box);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "patientpage");
}

static void
mar_patient_page_init (MarPatientPage *self)
{
  GtkDropTarget *target;

  g_type_ensure (MAR_TYPE_PATIENT_BANNER);
  gtk_widget_init_template (GTK_WIDGET (self));

  target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect_object (target, "drop", G_CALLBACK (drop_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));
}

GtkWidget *
mar_patient_page_new (MarTerminal *terminal)
{
  MarPatientPage *self = g_object_new (MAR_TYPE_PATIENT_PAGE, NULL);

  self->terminal = g_object_ref (terminal);
  return GTK_WIDGET (self);
}

void
mar_patient_page_show_patient (MarPatientPage *self,
                               const char     *patient_id,
                               MarScanResult  *wristband)
{
  g_return_if_fail (MAR_IS_PATIENT_PAGE (self));
  g_return_if_fail (patient_id != NULL);

  if (g_strcmp0 (self->patient_id, patient_id) != 0)
    {
      g_free (self->patient_id);
      self->patient_id = g_strdup (patient_id);
      self->highlighted = 0;
      g_clear_pointer (&self->wristband, mar_scan_result_unref);
    }
  if (wristband != NULL)
    {
      g_clear_pointer (&self->wristband, mar_scan_result_unref);
      self->wristband = mar_scan_result_ref (wristband);
    }
  mar_patient_page_refresh (self);
}

const char *
mar_patient_page_get_patient_id (MarPatientPage *self)
{
  g_return_val_if_fail (MAR_IS_PATIENT_PAGE (self), NULL);
  return self->patient_id;
}

MarScanResult *
mar_patient_page_get_wristband (MarPatientPage *self)
{
  g_return_val_if_fail (MAR_IS_PATIENT_PAGE (self), NULL);
  return self->wristband;
}

void
mar_patient_page_highlight_infusion (MarPatientPage *self,
                                     gint64          infusion_id)
{
  g_return_if_fail (MAR_IS_PATIENT_PAGE (self));

  self->highlighted = infusion_id;
  mar_patient_page_refresh (self);
}

GtkWidget *
mar_patient_page_get_bag_row (MarPatientPage *self,
                              gint64          infusion_id)
{
  g_return_val_if_fail (MAR_IS_PATIENT_PAGE (self), NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->bags_box));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (MAR_IS_BAG_ROW (child) && mar_bag_row_get_infusion_id (MAR_BAG_ROW (child)) == infusion_id)
      return child;
  return NULL;
}
