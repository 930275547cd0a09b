/* mar-bed-row.c — one bed of the unit board
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-bed-row"

#include "config.h"

#include "mar-bed-row.h"

#include <glib/gi18n.h>

#include "mar-format.h"

struct _MarBedRow
{
  GtkListBoxRow  parent_instance;

  GtkLabel      *bed_label;
  GtkLabel      *name_label;
  GtkLabel      *details_label;
  GtkBox        *allergy_box;
  GtkBox        *infusions_box;
  GtkBox        *doses_box;
  GtkWidget     *sync_box;
  GtkLabel      *sync_label;

  char          *patient_id;
};

G_DEFINE_FINAL_TYPE (MarBedRow, mar_bed_row, GTK_TYPE_LIST_BOX_ROW)

/* A coloured tag that always carries an icon and words too (issue 7:
 * colour never alone). */
static GtkWidget *
tag_new (const char *icon_name,
         const char *text,
         const char *css_class)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *image = gtk_image_new_from_icon_name (icon_name);
  GtkWidget *label = gtk_label_new (text);

  gtk_image_set_pixel_size (GTK_IMAGE (image), 22);
  gtk_accessible_update_property (GTK_ACCESSIBLE (image), GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);
  gtk_widget_set_valign (image, GTK_ALIGN_START);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 30);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_box_append (GTK_BOX (box), image);
  gtk_box_append (GTK_BOX (box), label);
  gtk_widget_add_css_class (box, "tag");
  if (css_class != NULL)
    gtk_widget_add_css_class (box, css_class);
  gtk_widget_set_halign (box, GTK_ALIGN_START);
  return box;
}

GtkWidget *
mar_allergy_flag_new (const MarPatientSummary *summary,
                      gboolean                 large)
{
  GtkWidget *flag;

  if (summary->allergies->len > 0)
    {
      g_autoptr(GString) text = g_string_new (NULL);

      for (guint i = 0; i < summary->allergies->len; i++)
        {
          if (i > 0)
            g_string_append (text, ", ");
          g_string_append (text, g_ptr_array_index (summary->allergies, i));
        }
      /* Translators: the red allergy band; %s lists the allergies. */
      g_autofree char *label = g_strdup_printf (_("ALLERGY: %s"), text->str);
      flag = tag_new ("mar-allergy-symbolic", label, "allergy");
    }
  else if (!summary->allergies_assessed)
    flag = tag_new ("dialog-warning-symbolic", _("Allergies not assessed"), "not-assessed");
  else
    flag = tag_new ("emblem-ok-symbolic", _("No known allergies"), "no-allergy");

  if (large)
    gtk_widget_add_css_class (flag, "large");
  return flag;
}

GtkWidget *
mar_due_dose_label_new (const MarDueDose *dose,
                        GTimeZone        *time_zone)
{
  g_autofree char *clock = mar_format_clock (time_zone, dose->due_time);
  g_autofree char *text = NULL;

  switch (dose->status)
    {
    case MAR_DUE_OVERDUE:
      /* Translators: an IV dose whose window closed: "OVERDUE 90 min (08:30): Meropenem 1 g". */
      text = g_strdup_printf (_("OVERDUE %d min (%s): %s"), dose->minutes, clock, dose->medication);
      return tag_new ("mar-overdue-symbolic", text, "overdue");
    case MAR_DUE_NOW:
      /* Translators: an IV dose inside its window: "DUE NOW (12:00): Piperacillin…". */
      text = g_strdup_printf (_("DUE NOW (%s): %s"), clock, dose->medication);
      return tag_new ("mar-due-symbolic", text, "due-now");
    case MAR_DUE_UPCOMING:
    default:
      /* Translators: an IV dose coming up: "Due 12:00: Piperacillin…". */
      text = g_strdup_printf (_("Due %s: %s"), clock, dose->medication);
      return tag_new ("alarm-symbolic", text, "upcoming");
    }
}

GtkWidget *
mar_running_label_new (const MarRunningInfusion *running)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *facts = NULL;
  g_autofree char *text = NULL;

  if (running->paused)
    /* Translators: a bag that is paused on the pump. */
    g_ptr_array_add (parts, g_strdup (_("PAUSED")));
  else if (running->rate_ml_per_h > 0)
    {
      g_autofree char *rate = mar_format_number (running->rate_ml_per_h, 1);

      /* Translators: a bag's rate in mL per hour. */
      g_ptr_array_add (parts, g_strdup_printf (_("%s mL/h"), rate));
    }
  if (running->volume_left_ml >= 0)
    {
      g_autofree char *left = mar_format_number (running->volume_left_ml, 0);

      /* Translators: the volume still in the bag. */
      g_ptr_array_add (parts, g_strdup_printf (_("%s mL left"), left));
    }
  if (running->seconds_left >= 0)
    {
      g_autofree char *duration = mar_format_duration (running->seconds_left);

      /* Translators: the time until the bag is empty at its rate. */
      g_ptr_array_add (parts, g_strdup_printf (_("empty in %s"), duration));
    }
  g_ptr_array_add (parts, NULL);
  facts = g_strjoinv (" · ", (char **) parts->pdata);
  text = *facts != '\0' ? g_strdup_printf ("%s\n%s", running->medication, facts)
                         : g_strdup (running->medication);

  return tag_new (running->paused ? "media-playback-pause-symbolic" : "mar-iv-bag-symbolic",
                  text, running->paused ? "paused" : "running");
}

static void
mar_bed_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), MAR_TYPE_BED_ROW);
  G_OBJECT_CLASS (mar_bed_row_parent_class)->dispose (object);
}

static void
mar_bed_row_finalize (GObject *object)
{
  MarBedRow *self = (MarBedRow *) object;

  g_free (self->patient_id);
  G_OBJECT_CLASS (mar_bed_row_parent_class)->finalize (object);
}

static void
mar_bed_row_class_init (MarBedRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mar_bed_row_dispose;
  object_class->finalize = mar_bed_row_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/bedsidemar/BedsideMar/ui/mar-bed-row.ui");
  gtk_widget_class_bind_template_child (widget_class, MarBedRow, bed_label);
  gtk_widget_class_bind_template_child (widget_class, MarBedRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, MarBedRow, details_label);
  gtk_widget_class_bind_template_child (widget_class, MarBedRow, allergy_box);
  gtk_widget_class_bind_template_child (widget_class, MarBedRow, infusions_box);
  gtk_widget_class_bind_template_child (widget_class, MarBedRow, doses_box);
  gtk_widget_class_bind_template_child (widget_class, MarBedRow, sync_box);
  gtk_widget_class_bind_template_child (widget_class, MarBedRow, sync_label);
}

static void
mar_bed_row_init (MarBedRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

static const char *
sex_letter (const char *gender)
{
  if (g_strcmp0 (gender, "female") == 0)
    /* Translators: one letter for female, after a patient's name. */
    return C_("sex", "F");
  if (g_strcmp0 (gender, "male") == 0)
    /* Translators: one letter for male, after a patient's name. */
    return C_("sex", "M");
  return C_("sex", "X");
}

GtkWidget *
mar_bed_row_new (const MarPatientSummary *summary,
                 GTimeZone               *time_zone,
                 gint64                   now)
{
  MarBedRow *self = g_object_new (MAR_TYPE_BED_ROW, NULL);
  const MarPatient *patient = summary->patient;
  g_autofree char *name = mar_patient_dup_display_name (patient);
  g_autofree char *birth = mar_format_birth_date (patient->birth_date);
  g_autofree char *details = NULL;
  g_autoptr(GString) accessible = g_string_new (NULL);
  int age = mar_format_age_years (patient->birth_date, time_zone, now);
  guint overdue = 0, due_now = 0;

  self->patient_id = g_strdup (patient->id);
  gtk_label_set_label (self->bed_label, patient->bed_name != NULL ? patient->bed_name : "—");
  gtk_label_set_label (self->name_label, name);
  /* Translators: under the name on the board: sex, age, birth date, MRN. */
  details = g_strdup_printf (_("%s · %d y · %s · MRN %s"), sex_letter (patient->gender), age,
                             birth, patient->mrn != NULL ? patient->mrn : "—");
  gtk_label_set_label (self->details_label, details);
  gtk_box_append (self->allergy_box, mar_allergy_flag_new (summary, FALSE));

  for (guint i = 0; i < summary->infusions->len; i++)
    gtk_box_append (self->infusions_box, mar_running_label_new (g_ptr_array_index (summary->infusions, i)));
  if (summary->infusions->len == 0)
    {
      GtkWidget *none = gtk_label_new (_("No IV running"));

      gtk_label_set_xalign (GTK_LABEL (none), 0);
      gtk_widget_add_css_class (none, "dim-label");
      gtk_box_append (self->infusions_box, none);
    }

  for (guint i = 0; i < summary->doses->len; i++)
    {
      const MarDueDose *dose = g_ptr_array_index (summary->doses, i);

      overdue += dose->status == MAR_DUE_OVERDUE;
      due_now += dose->status == MAR_DUE_NOW;
      gtk_box_append (self->doses_box, mar_due_dose_label_new (dose, time_zone));
    }

  if (summary->unsynced > 0)
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u not sent", "%u not sent",
                                                            summary->unsynced),
                                               summary->unsynced);

      gtk_label_set_label (self->sync_label, text);
      gtk_widget_set_visible (self->sync_box, TRUE);
    }

  /* One sentence for a screen reader, in the order the eye reads the row. */
  g_string_append_printf (accessible, _("Bed %s: %s."), gtk_label_get_label (self->bed_label), name);
  g_string_append_c (accessible, ' ');
  if (summary->allergies->len > 0)
    g_string_append (accessible, _("Has allergies."));
  else if (!summary->allergies_assessed)
    g_string_append (accessible, _("Allergies not assessed."));
  else
    g_string_append (accessible, _("No known allergies."));
  g_string_append_c (accessible, ' ');
  g_string_append_printf (accessible,
                          g_dngettext (GETTEXT_PACKAGE, "%u infusion running.", "%u infusions running.",
                                       summary->infusions->len),
                          summary->infusions->len);
  if (overdue > 0)
    {
      g_string_append_c (accessible, ' ');
      g_string_append_printf (accessible,
                              g_dngettext (GETTEXT_PACKAGE, "%u dose overdue.", "%u doses overdue.", overdue),
                              overdue);
    }
  if (due_now > 0)
    {
      g_string_append_c (accessible, ' ');
      g_string_append_printf (accessible,
                              g_dngettext (GETTEXT_PACKAGE, "%u dose due now.", "%u doses due now.", due_now),
                              due_now);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible->str, -1);

  return GTK_WIDGET (self);
}

const char *
mar_bed_row_get_patient_id (MarBedRow *self)
{
  g_return_val_if_fail (MAR_IS_BED_ROW (self), NULL);
  return self->patient_id;
}
