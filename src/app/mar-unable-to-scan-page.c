/* mar-unable-to-scan-page.c — the audited path when a barcode cannot be scanned
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-unable-to-scan-page"

#include "config.h"

#include "mar-unable-to-scan-page.h"

#include <glib/gi18n.h>

#include "mar-choice-group.h"
#include "mar-patient-summary.h"

struct _MarUnableToScanPage
{
  GtkWidget    parent_instance;

  GtkLabel    *title_label;
  GtkBox      *reason_slot;
  GtkWidget   *patient_box;
  GtkFlowBox  *patients_box;
  GtkEntry    *name_entry;
  GtkEntry    *birth_entry;
  GtkEntry    *mrn_entry;
  GtkWidget   *code_box;
  GtkEntry    *code_entry;
  GtkLabel    *error_label;

  MarTerminal *terminal;
  GtkWidget   *reasons;
  char        *patient_id;   /* the confirmed patient (bag mode), or NULL */
};

enum {
  SIGNAL_DONE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MarUnableToScanPage, mar_unable_to_scan_page, GTK_TYPE_WIDGET)

static void
show_error (MarUnableToScanPage *self,
            const char          *message)
{
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  if (message != NULL)
    gtk_label_set_label (self->error_label, message);
}

static const char *
entry_text (GtkEntry *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  return *text != '\0' ? text : NULL;
}

static GtkWidget *
patient_button_new (const MarPatientSummary *summary)
{
  g_autofree char *name = mar_patient_dup_display_name (summary->patient);
  g_autofree char *text = g_strdup_printf ("%s\n%s", summary->patient->bed_name != NULL ? summary->patient->bed_name : "",
                                           name);
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
  gtk_widget_add_css_class (label, "patient-choice");
  g_object_set_data_full (G_OBJECT (label), "mar-patient-id", g_strdup (summary->patient->id), g_free);
  return label;
}

void
mar_unable_to_scan_page_reset (MarUnableToScanPage *self,
                               const char          *patient_id)
{
  GtkWidget *child;

  g_return_if_fail (MAR_IS_UNABLE_TO_SCAN_PAGE (self));

  g_free (self->patient_id);
  self->patient_id = g_strdup (patient_id);
  show_error (self, NULL);

  if (self->reasons != NULL)
    gtk_box_remove (self->reason_slot, self->reasons);
  self->reasons = mar_choice_group_new_for_list (_("Why can it not be scanned?"), MAR_VOCABULARY_UNABLE_TO_SCAN, FALSE);
  gtk_box_append (self->reason_slot, self->reasons);

  gtk_editable_set_text (GTK_EDITABLE (self->name_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->birth_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->mrn_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->code_entry), "");
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->patients_box))) != NULL)
    gtk_flow_box_remove (self->patients_box, child);

  gtk_widget_set_visible (self->patient_box, patient_id == NULL);
  gtk_widget_set_visible (self->code_box, patient_id != NULL);
  gtk_label_set_label (self->title_label, patient_id == NULL ? _("The wristband cannot be scanned")
                                                             : _("The bag cannot be scanned"));
  if (patient_id == NULL)
    {
      g_autoptr(GPtrArray) summaries = mar_patient_summary_list_unit (mar_terminal_get_verifier (self->terminal), NULL,
                                                                      mar_terminal_get_unit_id (self->terminal),
                                                                      mar_terminal_get_now (self->terminal), NULL);

      for (guint i = 0; summaries != NULL && i < summaries->len; i++)
        gtk_flow_box_append (self->patients_box, patient_button_new (g_ptr_array_index (summaries, i)));
    }
}

static const char *
selected_patient (MarUnableToScanPage *self)
{
  g_autoptr(GList) selected = gtk_flow_box_get_selected_children (self->patients_box);
  GtkWidget *child;

  if (selected == NULL)
    return NULL;
  child = gtk_flow_box_child_get_child (selected->data);
  return g_object_get_data (G_OBJECT (child), "mar-patient-id");
}

gboolean
mar_unable_to_scan_page_continue (MarUnableToScanPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarScanResult) scan = NULL;
  MarUnableToScanInfo info = { 0 };
  const char *reason;
  MarVerifier *verifier;
  gint64 now;

  g_return_val_if_fail (MAR_IS_UNABLE_TO_SCAN_PAGE (self), FALSE);

  reason = mar_choice_group_get_selected (MAR_CHOICE_GROUP (self->reasons));
  if (reason == NULL)
    {
      show_error (self, _("Choose why it cannot be scanned."));
      return FALSE;
    }
  verifier = mar_terminal_get_verifier (self->terminal);
  now = mar_terminal_get_now (self->terminal);

  if (self->patient_id == NULL)
    {
      const char *patient_id = selected_patient (self);
      g_autoptr(MarPatient) patient = NULL;
      guint identifiers;

      if (patient_id == NULL)
        {
          show_error (self, _("Pick the patient."));
          return FALSE;
        }
      info.confirmed_name = (char *) entry_text (self->name_entry);
      info.confirmed_birth_date = (char *) entry_text (self->birth_entry);
      info.confirmed_mrn = (char *) entry_text (self->mrn_entry);
      identifiers = (info.confirmed_name != NULL) + (info.confirmed_birth_date != NULL) + (info.confirmed_mrn != NULL);
      /* The Joint Commission NPSG.01.01.01: two identifiers. Whether they
       * match the record is the record's check, at start. */
      if (identifiers < 2)
        {
          show_error (self, _("Type at least two identifiers the patient confirmed."));
          return FALSE;
        }
      patient = mar_store_get_patient (mar_terminal_get_store (self->terminal), patient_id, &error);
      if (patient == NULL || patient->mrn == NULL)
        {
          show_error (self, error != NULL ? error->message : _("This patient has no MRN to document against."));
          return FALSE;
        }
      /* The picked patient stands for the wristband, recorded as keyed. */
      scan = mar_verifier_resolve_scan (verifier, patient->mrn, -1, MAR_SCAN_SOURCE_KEYED, now, &error);
      if (scan == NULL)
        {
          show_error (self, error->message);
          return FALSE;
        }
      info.patient_reason = (char *) reason;
      g_signal_emit (self, signals[SIGNAL_DONE], 0, patient_id, &info, scan, NULL);
      return TRUE;
    }

  if (entry_text (self->code_entry) == NULL)
    {
      show_error (self, _("Type the code of the bag."));
      return FALSE;
    }
  scan = mar_verifier_resolve_scan (verifier, entry_text (self->code_entry), -1, MAR_SCAN_SOURCE_KEYED, now, &error);
  if (scan == NULL)
    {
      show_error (self, error->message);
      return FALSE;
    }
  info.product_reason = (char *) reason;
  g_signal_emit (self, signals[SIGNAL_DONE], 0, self->patient_id, &info, NULL, scan);
  return TRUE;
}

static void
continue_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  mar_unable_to_scan_page_continue (MAR_UNABLE_TO_SCAN_PAGE (widget));
}

GtkWidget *
mar_unable_to_scan_page_get_field (MarUnableToScanPage *self,
                                   const char          *name)
{
  g_return_val_if_fail (MAR_IS_UNABLE_TO_SCAN_PAGE (self), NULL);

  if (g_str_equal (name, "reason"))
    return self->reasons;
  if (g_str_equal (name, "patients"))
    return GTK_WIDGET (self->patients_box);
  if (g_str_equal (name, "name"))
    return GTK_WIDGET (self->name_entry);
  if (g_str_equal (name, "birth-date"))
    return GTK_WIDGET (self->birth_entry);
  if (g_str_equal (name, "mrn"))
    return GTK_WIDGET (self->mrn_entry);
  if (g_str_equal (name, "code"))
    return GTK_WIDGET (self->code_entry);
  return NULL;
}

static void
mar_unable_to_scan_page_dispose (GObject *object)
{
  GtkWidget *child;
  MarUnableToScanPage *self = (MarUnableToScanPage *) object;

  g_clear_object (&self->terminal);
  self->reasons = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (self), MAR_TYPE_UNABLE_TO_SCAN_PAGE);
  /* The template's top-level child is not bound: unparent it too. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (mar_unable_to_scan_page_parent_class)->dispose (object);
}

static void
mar_unable_to_scan_page_finalize (GObject *object)
{
  MarUnableToScanPage *self = (MarUnableToScanPage *) object;

  g_free (self->patient_id);
  G_OBJECT_CLASS (mar_unable_to_scan_page_parent_class)->finalize (object);
}

static void
mar_unable_to_scan_page_class_init (MarUnableToScanPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mar_unable_to_scan_page_dispose;
  object_class->finalize = mar_unable_to_scan_page_finalize;

  /* ::done (const char *patient_id, const MarUnableToScanInfo *info,
   *         MarScanResult *patient_scan (nullable), MarScanResult *product_scan (nullable)) */
  signals[SIGNAL_DONE] =
    g_signal_new ("done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 4,
                  G_TYPE_STRING, G_TYPE_POINTER, G_TYPE_POINTER, G_TYPE_POINTER);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/bedsidemar/BedsideMar/ui/mar-unable-to-scan-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MarUnableToScanPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, MarUnableToScanPage, reason_slot);
  gtk_widget_class_bind_template_child (widget_class, MarUnableToScanPage, patient_box);
  gtk_widget_class_bind_template_child (widget_class, MarUnableToScanPage, patients_box);
  gtk_widget_class_bind_template_child (widget_class, MarUnableToScanPage, name_entry);
  gtk_widget_class_bind_template_child (widget_class, MarUnableToScanPage, birth_entry);
  gtk_widget_class_bind_template_child (widget_class, MarUnableToScanPage, mrn_entry);
  gtk_widget_class_bind_template_child (widget_class, MarUnableToScanPage, code_box);
  gtk_widget_class_bind_template_child (widget_class, MarUnableToScanPage, code_entry);
  gtk_widget_class_bind_template_child (widget_class, MarUnableToScanPage, error_label);
  gtk_widget_class_install_action (widget_class, "unable.continue", NULL, continue_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "unabletoscanpage");
}

static void
mar_unable_to_scan_page_init (MarUnableToScanPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
mar_unable_to_scan_page_new (MarTerminal *terminal)
{
  MarUnableToScanPage *self = g_object_new (MAR_TYPE_UNABLE_TO_SCAN_PAGE, NULL);

  self->terminal = g_object_ref (terminal);
  return GTK_WIDGET (self);
}
