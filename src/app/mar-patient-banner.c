/* mar-patient-banner.c — who the patient is, large enough to check from the bed
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-patient-banner"

#include "config.h"

#include "mar-patient-banner.h"

#include <glib/gi18n.h>

#include "mar-bed-row.h"
#include "mar-format.h"

struct _MarPatientBanner
{
  GtkWidget  parent_instance;

  GtkWidget *box;
  GtkLabel  *name_label;
  GtkLabel  *bed_label;
  GtkLabel  *birth_label;
  GtkLabel  *mrn_label;
  GtkLabel  *weight_label;
  GtkWidget *weight_icon;
  GtkBox    *allergy_box;
};

G_DEFINE_FINAL_TYPE (MarPatientBanner, mar_patient_banner, GTK_TYPE_WIDGET)

static void
mar_patient_banner_dispose (GObject *object)
{
  GtkWidget *child;
  gtk_widget_dispose_template (GTK_WIDGET (object), MAR_TYPE_PATIENT_BANNER);
  /* The template's top-level child is not bound: unparent it too. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (mar_patient_banner_parent_class)->dispose (object);
}

static void
mar_patient_banner_class_init (MarPatientBannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mar_patient_banner_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/bedsidemar/BedsideMar/ui/mar-patient-banner.ui");
  gtk_widget_class_bind_template_child (widget_class, MarPatientBanner, box);
  gtk_widget_class_bind_template_child (widget_class, MarPatientBanner, name_label);
  gtk_widget_class_bind_template_child (widget_class, MarPatientBanner, bed_label);
  gtk_widget_class_bind_template_child (widget_class, MarPatientBanner, birth_label);
  gtk_widget_class_bind_template_child (widget_class, MarPatientBanner, mrn_label);
  gtk_widget_class_bind_template_child (widget_class, MarPatientBanner, weight_label);
  gtk_widget_class_bind_template_child (widget_class, MarPatientBanner, weight_icon);
  gtk_widget_class_bind_template_child (widget_class, MarPatientBanner, allergy_box);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "patientbanner");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
mar_patient_banner_init (MarPatientBanner *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
mar_patient_banner_set_summary (MarPatientBanner        *self,
                                const MarPatientSummary *summary,
                                GTimeZone               *time_zone,
                                gint64                   now)
{
  const MarPatient *patient;
  g_autofree char *name = NULL;
  g_autofree char *birth = NULL;
  g_autofree char *birth_text = NULL;
  g_autofree char *weight = NULL;
  g_autofree char *accessible = NULL;
  GtkWidget *child;
  int age;

  g_return_if_fail (MAR_IS_PATIENT_BANNER (self));
  g_return_if_fail (summary != NULL);

  patient = summary->patient;
  name = mar_patient_dup_display_name (patient);
  birth = mar_format_birth_date (patient->birth_date);
  age = mar_format_age_years (patient->birth_date, time_zone, now);
  /* Translators: a birth date and the age in years: "14 Mar 1958 (67 y)". */
  birth_text = age >= 0 ? g_strdup_printf (_("%s (%d y)"), birth, age) : g_strdup (birth);

  gtk_label_set_label (self->name_label, name);
  gtk_label_set_label (self->bed_label, patient->bed_name != NULL ? patient->bed_name : "");
  gtk_widget_set_visible (GTK_WIDGET (self->bed_label), patient->bed_name != NULL);
  gtk_label_set_label (self->birth_label, birth_text);
  gtk_label_set_label (self->mrn_label, patient->mrn != NULL ? patient->mrn : "—");

  if (patient->weight.set)
    {
      g_autofree char *kg = mar_format_number (patient->weight.value, 1);
      g_autofree char *when = mar_format_date_and_clock (time_zone, patient->weight_time);

      if (summary->weight_stale)
        /* Translators: a weight too old for weight-based doses: "61.2 kg (5 Dec, 09:00) — too old". */
        weight = g_strdup_printf (_("%s kg (%s) — too old"), kg, when);
      else
        /* Translators: the latest weight and when it was measured. */
        weight = g_strdup_printf (_("%s kg (%s)"), kg, when);
    }
  else
    weight = g_strdup (_("No weight recorded"));
  gtk_label_set_label (self->weight_label, weight);
  gtk_widget_set_visible (self->weight_icon, summary->weight_stale);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->allergy_box))) != NULL)
    gtk_box_remove (self->allergy_box, child);
  child = mar_allergy_flag_new (summary, TRUE);
  gtk_widget_set_hexpand (child, TRUE);
  gtk_widget_set_halign (child, GTK_ALIGN_FILL);
  gtk_box_append (self->allergy_box, child);
  gtk_widget_set_hexpand (GTK_WIDGET (self->allergy_box), TRUE);

  /* Translators: the banner read out: name, birth date, MRN. */
  accessible = g_strdup_printf (_("Patient %s, born %s, MRN %s"), name, birth_text,
                                patient->mrn != NULL ? patient->mrn : "—");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
}

void
mar_patient_banner_set_compact (MarPatientBanner *self,
                                gboolean          compact)
{
  g_return_if_fail (MAR_IS_PATIENT_BANNER (self));

  if (compact)
    gtk_widget_add_css_class (self->box, "compact");
  else
    gtk_widget_remove_css_class (self->box, "compact");
}
