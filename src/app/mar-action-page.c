/* mar-action-page.c — documenting one action on a bag or a dose
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-action-page"

#include "config.h"

#include "mar-action-page.h"

#include <glib/gi18n.h>
#include <string.h>

#include "mar-choice-group.h"
#include "mar-format.h"
#include "mar-keypad.h"
#include "mar-vocabulary.h"
#include "mar-witness-box.h"

struct _MarActionPage
{
  GtkWidget          parent_instance;

  GtkLabel          *title_label;
  GtkLabel          *subtitle_label;
  GtkWidget         *scroller;
  GtkBox            *form_box;
  GtkWidget         *error_box;
  GtkLabel          *error_label;
  AdwButtonContent  *save_content;

  MarTerminal       *terminal;
  MarSignature      *nurse;
  MarInfusionAction  action;
  gint64             infusion_id;
  MarInfusion       *infusion;
  MarScanResult     *patient_scan;   /* not done without a bag */
  char              *order_id;
  char              *medication;
  GHashTable        *fields;         /* name → widget (borrowed: children of form_box) */
  MarWitnessBox     *witness_box;
  GtkWidget         *overrides_box;
  char              *prefilled_volume;
};

enum {
  SIGNAL_SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MarActionPage, mar_action_page, GTK_TYPE_WIDGET)

/* The four ways a dose is not given (RULES.md: held, refused, missing,
 * not given; each with its own reasons). */
static const MarTerm not_done_kinds[] = {
  { "hold", N_("Held"), NULL },
  { "refuse", N_("Refused"), NULL },
  { "missing", N_("Missing"), NULL },
  { "not-given", N_("Not given"), NULL },
};

static MarInfusionAction
not_done_action (const char *code)
{
  if (g_strcmp0 (code, "refuse") == 0)
    return MAR_INFUSION_ACTION_REFUSE;
  if (g_strcmp0 (code, "missing") == 0)
    return MAR_INFUSION_ACTION_MISSING;
  if (g_strcmp0 (code, "not-given") == 0)
    return MAR_INFUSION_ACTION_NOT_GIVEN;
  return MAR_INFUSION_ACTION_HOLD;
}

static MarVocabulary
not_done_vocabulary (MarInfusionAction action)
{
  switch (action)
    {
    case MAR_INFUSION_ACTION_REFUSE:
      return MAR_VOCABULARY_REFUSE;
    case MAR_INFUSION_ACTION_MISSING:
      return MAR_VOCABULARY_MISSING;
    case MAR_INFUSION_ACTION_NOT_GIVEN:
      return MAR_VOCABULARY_NOT_GIVEN;
    case MAR_INFUSION_ACTION_HOLD:
    default:
      return MAR_VOCABULARY_HOLD;
    }
}

static void
show_error (MarActionPage *self,
            const char    *message)
{
  gtk_widget_set_visible (self->error_box, message != NULL);
  if (message != NULL)
    {
      gtk_label_set_label (self->error_label, message);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->error_box), GTK_ACCESSIBLE_PROPERTY_LABEL, message, -1);
    }
}

static void
clear_form (MarActionPage *self)
{
  GtkWidget *child;

  g_hash_table_remove_all (self->fields);
  self->witness_box = NULL;
  self->overrides_box = NULL;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->form_box))) != NULL)
    gtk_box_remove (self->form_box, child);
  g_clear_pointer (&self->prefilled_volume, g_free);
  show_error (self, NULL);
}

static GtkWidget *
add_choices (MarActionPage *self,
             const char    *name,
             GtkWidget     *group)
{
  g_hash_table_insert (self->fields, (gpointer) name, group);
  gtk_box_append (self->form_box, group);
  return group;
}

/* A number with its unit and a keypad beside it. */
static GtkEntry *
add_number (MarActionPage *self,
            const char    *name,
            const char    *title,
            const char    *hint,
            double         initial)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 24);
  GtkWidget *column = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  GtkWidget *label = gtk_label_new (title);
  GtkWidget *entry = gtk_entry_new ();
  GtkWidget *keypad = mar_keypad_new ();

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), entry);
  gtk_widget_add_css_class (label, "title-4");
  gtk_box_append (GTK_BOX (column), label);
  gtk_entry_set_input_purpose (GTK_ENTRY (entry), GTK_INPUT_PURPOSE_NUMBER);
  gtk_editable_set_max_width_chars (GTK_EDITABLE (entry), 8);
  gtk_widget_set_halign (entry, GTK_ALIGN_START);
  gtk_widget_add_css_class (entry, "large-entry");
  gtk_widget_add_css_class (entry, "number-entry");
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  if (initial >= 0)
    {
      g_autofree char *text = mar_format_number (initial, 2);

      gtk_editable_set_text (GTK_EDITABLE (entry), text);
    }
  gtk_box_append (GTK_BOX (column), entry);
  if (hint != NULL)
    {
      GtkWidget *hint_label = gtk_label_new (hint);

      gtk_label_set_xalign (GTK_LABEL (hint_label), 0);
      gtk_label_set_wrap (GTK_LABEL (hint_label), TRUE);
      gtk_widget_add_css_class (hint_label, "body-large");
      gtk_box_append (GTK_BOX (column), hint_label);
    }
  gtk_widget_set_hexpand (column, TRUE);
  gtk_widget_set_valign (column, GTK_ALIGN_CENTER);
  mar_keypad_set_decimal (MAR_KEYPAD (keypad), TRUE);
  mar_keypad_set_target (MAR_KEYPAD (keypad), GTK_EDITABLE (entry));
  gtk_box_append (GTK_BOX (row), column);
  gtk_box_append (GTK_BOX (row), keypad);
  gtk_widget_add_css_class (row, "card");
  gtk_widget_add_css_class (row, "requirement");
  gtk_box_append (self->form_box, row);
  g_hash_table_insert (self->fields, (gpointer) name, entry);
  return GTK_ENTRY (entry);
}

static void
add_comment (MarActionPage *self,
             const char    *placeholder)
{
  GtkWidget *entry = gtk_entry_new ();

  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), placeholder);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Comment"), -1);
  gtk_widget_add_css_class (entry, "large-entry");
  gtk_box_append (self->form_box, entry);
  g_hash_table_insert (self->fields, (gpointer) "comment", entry);
}

static void
add_witness (MarActionPage *self)
{
  GtkWidget *box = mar_witness_box_new (self->terminal, self->nurse);

  self->witness_box = MAR_WITNESS_BOX (box);
  gtk_box_append (self->form_box, box);
}

GtkWidget *
mar_action_page_get_field (MarActionPage *self,
                           const char    *name)
{
  g_return_val_if_fail (MAR_IS_ACTION_PAGE (self), NULL);

  if (g_str_has_prefix (name, "override:") && self->overrides_box != NULL)
    {
      for (GtkWidget *child = gtk_widget_get_first_child (self->overrides_box); child != NULL;
           child = gtk_widget_get_next_sibling (child))
        if (g_strcmp0 (mar_choice_group_get_key (MAR_CHOICE_GROUP (child)), name + strlen ("override:")) == 0)
          return child;
      return NULL;
    }
  return g_hash_table_lookup (self->fields, name);
}

static const char *
field_text (MarActionPage *self,
            const char    *name)
{
  GtkWidget *entry = g_hash_table_lookup (self->fields, name);
  const char *text;

  if (entry == NULL)
    return NULL;
  text = gtk_editable_get_text (GTK_EDITABLE (entry));
  return *text != '\0' ? text : NULL;
}

static MarChoiceGroup *
field_choices (MarActionPage *self,
               const char    *name)
{
  return g_hash_table_lookup (self->fields, name);
}

static void
keep_running_visibility (MarActionPage *self)
{
  MarChoiceGroup *severity = field_choices (self, "severity");
  GtkWidget *keep = g_hash_table_lookup (self->fields, "keep-running");
  gboolean stops = severity != NULL && mar_severity_stops_infusion (mar_choice_group_get_selected (severity));

  if (keep != NULL)
    gtk_widget_set_visible (keep, stops);
}

static void
not_done_kind_changed_cb (MarActionPage  *self,
                          MarChoiceGroup *kinds)
{
  MarChoiceGroup *old = field_choices (self, "reason");
  GtkWidget *group;

  self->action = not_done_action (mar_choice_group_get_selected (kinds));
  group = mar_choice_group_new_for_list (_("Reason"), not_done_vocabulary (self->action), FALSE);
  if (old != NULL)
    {
      gtk_box_insert_child_after (self->form_box, group, GTK_WIDGET (old));
      gtk_box_remove (self->form_box, GTK_WIDGET (old));
    }
  else
    gtk_box_insert_child_after (self->form_box, group, GTK_WIDGET (kinds));
  g_hash_table_insert (self->fields, (gpointer) "reason", group);
}

static const char *
action_title (MarInfusionAction action)
{
  switch (action)
    {
    case MAR_INFUSION_ACTION_RATE:
      return _("Change the rate");
    case MAR_INFUSION_ACTION_PAUSE:
      return _("Pause the infusion");
    case MAR_INFUSION_ACTION_RESUME:
      return _("Resume the infusion");
    case MAR_INFUSION_ACTION_BOLUS:
      return _("Bolus from this bag");
    case MAR_INFUSION_ACTION_STOP:
      return _("Stop the infusion");
    case MAR_INFUSION_ACTION_COMPLETE:
      return _("Bag completed");
    case MAR_INFUSION_ACTION_REACTION:
      return _("Infusion reaction");
    case MAR_INFUSION_ACTION_SITE_CHECK:
      return _("IV site check");
    case MAR_INFUSION_ACTION_HOLD:
    case MAR_INFUSION_ACTION_REFUSE:
    case MAR_INFUSION_ACTION_MISSING:
    case MAR_INFUSION_ACTION_NOT_GIVEN:
      return _("Dose not given");
    case MAR_INFUSION_ACTION_START:
    case MAR_INFUSION_N_ACTIONS:
    default:
      return "";
    }
}

static void
add_volume_field (MarActionPage *self)
{
  gint64 now = mar_terminal_get_now (self->terminal);
  double estimate = mar_infusion_get_volume_at (self->infusion, now);
  g_autofree char *hint = NULL;
  GtkEntry *entry;

  /* RULES.md, The record: the volume is an estimate; the nurse confirms
   * it or corrects it from the pump. */
  hint = g_strdup (_("The estimate from the rates documented. Check the pump and correct it if it differs."));
  entry = add_number (self, "volume", _("Volume infused, from the pump (mL)"), hint, estimate);
  self->prefilled_volume = g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
build_bag_form (MarActionPage *self)
{
  MarInfusion *bag = self->infusion;
  GtkWidget *group;

  switch (self->action)
    {
    case MAR_INFUSION_ACTION_RATE:
      add_number (self, "rate", _("New rate on the pump (mL/h)"), NULL, bag->rate_ml_per_h);
      add_choices (self, "reason", mar_choice_group_new_for_list (_("Reason"), MAR_VOCABULARY_RATE_CHANGE, FALSE));
      add_comment (self, _("Comment (needed with “Other”)"));
      if (bag->requires_witness)
        add_witness (self);
      break;

    case MAR_INFUSION_ACTION_PAUSE:
      add_choices (self, "reason", mar_choice_group_new_for_list (_("Reason"), MAR_VOCABULARY_PAUSE, FALSE));
      add_comment (self, _("Comment (needed with “Other”)"));
      break;

    case MAR_INFUSION_ACTION_RESUME:
      {
        g_autofree char *rate = mar_format_number (bag->rate_ml_per_h, 2);
        g_autofree char *text = g_strdup_printf (_("The infusion runs again at %s mL/h."), rate);
        GtkWidget *label = gtk_label_new (text);

        gtk_label_set_xalign (GTK_LABEL (label), 0);
        gtk_label_set_wrap (GTK_LABEL (label), TRUE);
        gtk_widget_add_css_class (label, "title-3");
        gtk_box_append (self->form_box, label);
      }
      break;

    case MAR_INFUSION_ACTION_BOLUS:
      add_number (self, "volume", _("Bolus volume (mL)"), NULL, -1);
      if (bag->requires_witness)
        add_witness (self);
      break;

    case MAR_INFUSION_ACTION_STOP:
      add_choices (self, "reason", mar_choice_group_new_for_list (_("Reason"), MAR_VOCABULARY_STOP, FALSE));
      add_volume_field (self);
      add_comment (self, _("Comment (needed with “Other”)"));
      break;

    case MAR_INFUSION_ACTION_COMPLETE:
      add_volume_field (self);
      add_comment (self, _("Comment (optional)"));
      break;

    case MAR_INFUSION_ACTION_REACTION:
      add_choices (self, "kind", mar_choice_group_new_for_list (_("What happened"), MAR_VOCABULARY_REACTION_KIND, FALSE));
      group = add_choices (self, "severity", mar_choice_group_new_for_list (_("Severity"), MAR_VOCABULARY_SEVERITY, FALSE));
      g_signal_connect_object (group, "changed", G_CALLBACK (keep_running_visibility), self, G_CONNECT_SWAPPED);
      add_choices (self, "actions", mar_choice_group_new_for_list (_("What you did"), MAR_VOCABULARY_REACTION_ACTION, TRUE));
      add_choices (self, "outcome", mar_choice_group_new_for_list (_("Outcome (optional)"), MAR_VOCABULARY_REACTION_OUTCOME, FALSE));
      group = add_choices (self, "keep-running",
                           mar_choice_group_new_for_list (_("A severe reaction stops the infusion. To keep it running, give the reason:"),
                                                          MAR_VOCABULARY_KEEP_RUNNING, FALSE));
      gtk_widget_set_visible (group, FALSE);
      add_comment (self, _("Comment"));
      break;

    case MAR_INFUSION_ACTION_SITE_CHECK:
      add_choices (self, "findings",
                   mar_choice_group_new_for_list (_("Findings (none selected: the site looks fine)"),
                                                  MAR_VOCABULARY_SITE_FINDING, TRUE));
      group = add_choices (self, "severity", mar_choice_group_new_for_list (_("Severity (with findings)"), MAR_VOCABULARY_SEVERITY, FALSE));
      g_signal_connect_object (group, "changed", G_CALLBACK (keep_running_visibility), self, G_CONNECT_SWAPPED);
      group = add_choices (self, "keep-running",
                           mar_choice_group_new_for_list (_("A severe complication stops the infusion. To keep it running, give the reason:"),
                                                          MAR_VOCABULARY_KEEP_RUNNING, FALSE));
      gtk_widget_set_visible (group, FALSE);
      add_comment (self, _("Comment"));
      break;

    case MAR_INFUSION_ACTION_HOLD:
    case MAR_INFUSION_ACTION_REFUSE:
    case MAR_INFUSION_ACTION_MISSING:
    case MAR_INFUSION_ACTION_NOT_GIVEN:
      add_choices (self, "reason", mar_choice_group_new_for_list (_("Reason"), not_done_vocabulary (self->action), FALSE));
      add_comment (self, _("Comment (needed with “Other”)"));
      break;

    case MAR_INFUSION_ACTION_START:
    case MAR_INFUSION_N_ACTIONS:
    default:
      g_assert_not_reached ();
    }
}

gboolean
mar_action_page_set_bag_action (MarActionPage     *self,
                                MarSignature      *nurse,
                                gint64             infusion_id,
                                MarInfusionAction  action,
                                GError           **error)
{
  g_autoptr(MarInfusion) infusion = NULL;

  g_return_val_if_fail (MAR_IS_ACTION_PAGE (self), FALSE);

  infusion = mar_record_get_infusion (mar_terminal_get_record (self->terminal), infusion_id, error);
  if (infusion == NULL)
    return FALSE;

  clear_form (self);
  mar_action_page_set_nurse (self, nurse);
  g_clear_pointer (&self->infusion, mar_infusion_free);
  g_clear_pointer (&self->patient_scan, mar_scan_result_unref);
  g_clear_pointer (&self->order_id, g_free);
  self->infusion = g_steal_pointer (&infusion);
  self->infusion_id = infusion_id;
  self->action = action;
  g_free (self->medication);
  self->medication = g_strdup (self->infusion->medication);

  gtk_label_set_label (self->title_label, action_title (action));
  gtk_label_set_label (self->subtitle_label, self->medication);
  build_bag_form (self);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scroller)), 0);
  return TRUE;
}

void
mar_action_page_set_not_done (MarActionPage *self,
                              MarSignature  *nurse,
                              MarScanResult *patient_scan,
                              const char    *order_id,
                              const char    *medication)
{
  GtkWidget *kinds;

  g_return_if_fail (MAR_IS_ACTION_PAGE (self));
  g_return_if_fail (patient_scan != NULL && order_id != NULL);

  clear_form (self);
  mar_action_page_set_nurse (self, nurse);
  g_clear_pointer (&self->infusion, mar_infusion_free);
  g_clear_pointer (&self->patient_scan, mar_scan_result_unref);
  self->patient_scan = mar_scan_result_ref (patient_scan);
  g_free (self->order_id);
  self->order_id = g_strdup (order_id);
  self->infusion_id = 0;
  self->action = MAR_INFUSION_ACTION_HOLD;
  g_free (self->medication);
  self->medication = g_strdup (medication);

  gtk_label_set_label (self->title_label, action_title (self->action));
  gtk_label_set_label (self->subtitle_label, medication != NULL ? medication : "");
  kinds = add_choices (self, "kind", mar_choice_group_new (_("What happened"), not_done_kinds,
                                                           G_N_ELEMENTS (not_done_kinds), FALSE));
  mar_choice_group_select (MAR_CHOICE_GROUP (kinds), "hold");
  not_done_kind_changed_cb (self, MAR_CHOICE_GROUP (kinds));
  g_signal_connect_object (kinds, "changed", G_CALLBACK (not_done_kind_changed_cb), self, G_CONNECT_SWAPPED);
  add_comment (self, _("Comment (needed with “Other”)"));
}

static gboolean
require_reason (MarActionPage  *self,
                MarChoiceGroup *group,
                const char     *comment)
{
  if (group == NULL)
    return TRUE;
  if (!mar_choice_group_has_selection (group))
    {
      show_error (self, _("Choose a reason."));
      return FALSE;
    }
  if (mar_choice_group_needs_comment (group) && comment == NULL)
    {
      show_error (self, _("“Other” needs a comment: say why."));
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_number (MarActionPage *self,
             const char    *name,
             double        *value)
{
  if (!mar_parse_number (field_text (self, name), value) || *value < 0)
    {
      show_error (self, _("Type a number on the keypad."));
      gtk_widget_grab_focus (g_hash_table_lookup (self->fields, name));
      return FALSE;
    }
  return TRUE;
}

/* The rate check of a rate change can warn (RATE_MISMATCH, soft limits):
 * each warning then needs its reason, as at start. */
static void
add_override_groups (MarActionPage  *self,
                     MarRecordCheck *check)
{
  GPtrArray *missing = mar_record_check_get_missing_overrides (check);

  if (missing == NULL)
    return;
  if (self->overrides_box == NULL)
    {
      self->overrides_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 14);
      gtk_widget_add_css_class (self->overrides_box, "card");
      gtk_widget_add_css_class (self->overrides_box, "requirement");
      gtk_box_prepend (self->form_box, self->overrides_box);
    }
  for (guint i = 0; i < missing->len; i++)
    {
      const MarCheckItem *item = g_ptr_array_index (missing, i);
      guint n_terms = 0;
      const MarTerm *terms = mar_vocabulary_override_reasons (item->code, &n_terms);
      GtkWidget *group;
      gboolean present = FALSE;

      for (GtkWidget *child = gtk_widget_get_first_child (self->overrides_box); child != NULL;
           child = gtk_widget_get_next_sibling (child))
        present |= g_strcmp0 (mar_choice_group_get_key (MAR_CHOICE_GROUP (child)), item->code) == 0;
      if (present)
        continue;
      group = mar_choice_group_new (item->message, terms, n_terms, FALSE);
      mar_choice_group_set_key (MAR_CHOICE_GROUP (group), item->code);
      gtk_box_append (GTK_BOX (self->overrides_box), group);
    }
}

static GArray *
collect_overrides (MarActionPage *self,
                   const char    *comment,
                   gboolean      *complete)
{
  GArray *overrides = g_array_new (FALSE, TRUE, sizeof (MarOverride));

  *complete = TRUE;
  if (self->overrides_box == NULL)
    return overrides;
  for (GtkWidget *child = gtk_widget_get_first_child (self->overrides_box); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      MarOverride override = { 0 };

      override.code = mar_choice_group_get_key (MAR_CHOICE_GROUP (child));
      override.reason = mar_choice_group_get_selected (MAR_CHOICE_GROUP (child));
      override.comment = comment;
      if (override.reason == NULL)
        *complete = FALSE;
      else
        g_array_append_val (overrides, override);
    }
  return overrides;
}

static char *
error_with_check (const GError   *error,
                  MarRecordCheck *check)
{
  g_autoptr(GString) text = g_string_new (error->message);
  GPtrArray *items = check != NULL ? mar_record_check_get_items (check) : NULL;

  for (guint i = 0; items != NULL && i < items->len; i++)
    {
      const MarCheckItem *item = g_ptr_array_index (items, i);

      if (item->severity == MAR_SEVERITY_BLOCK && item->message != NULL)
        g_string_append_printf (text, "\n• %s", item->message);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

gboolean
mar_action_page_save (MarActionPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarRecordCheck) check = NULL;
  g_autoptr(GArray) overrides = NULL;
  g_autoptr(MarInfusion) result = NULL;
  MarRecord *record;
  MarRecordContext context = { 0 };
  const char *comment = field_text (self, "comment");
  MarChoiceGroup *reason = field_choices (self, "reason");
  const char *reason_code;
  gboolean complete;
  gboolean ok = FALSE;
  gint64 entry_seq = 0;
  gint64 infusion_id = self->infusion_id;

  g_return_val_if_fail (MAR_IS_ACTION_PAGE (self), FALSE);

  if (self->nurse == NULL)
    return FALSE;
  if (!require_reason (self, reason, comment))
    return FALSE;
  reason_code = reason != NULL ? mar_choice_group_get_selected (reason) : NULL;
  overrides = collect_overrides (self, comment, &complete);
  if (!complete)
    {
      show_error (self, _("Choose a reason for each warning."));
      return FALSE;
    }
  if (self->witness_box != NULL && mar_witness_box_get_signature (self->witness_box) == NULL)
    {
      show_error (self, _("A second nurse must sign as witness first (badge and PIN)."));
      return FALSE;
    }

  record = mar_terminal_get_record (self->terminal);
  context.at = MAR_TIME_UNSET;
  context.now = mar_terminal_get_now (self->terminal);
  context.nurse = self->nurse;
  context.witness = self->witness_box != NULL ? mar_witness_box_get_signature (self->witness_box) : NULL;
  /* A GArray's data is malloc'ed: aligned for any type. */
  context.overrides = (const MarOverride *) (void *) overrides->data;
  context.n_overrides = overrides->len;

  switch (self->action)
    {
    case MAR_INFUSION_ACTION_RATE:
      {
        double rate;

        if (!read_number (self, "rate", &rate))
          return FALSE;
        ok = mar_record_change_rate (record, &context, self->infusion_id, rate, reason_code, comment, &check, &error);
      }
      break;

    case MAR_INFUSION_ACTION_PAUSE:
      ok = mar_record_pause (record, &context, self->infusion_id, reason_code, comment, &error);
      break;

    case MAR_INFUSION_ACTION_RESUME:
      ok = mar_record_resume (record, &context, self->infusion_id, &check, &error);
      break;

    case MAR_INFUSION_ACTION_BOLUS:
      {
        double volume;

        if (!read_number (self, "volume", &volume))
          return FALSE;
        ok = mar_record_give_bolus (record, &context, self->infusion_id, volume, &check, &error);
      }
      break;

    case MAR_INFUSION_ACTION_STOP:
    case MAR_INFUSION_ACTION_COMPLETE:
      {
        double volume;
        /* Unchanged: the nurse confirmed the estimate (NULL); a different
         * figure is the pump's. */
        gboolean confirmed = g_strcmp0 (field_text (self, "volume"), self->prefilled_volume) == 0;

        if (!read_number (self, "volume", &volume))
          return FALSE;
        if (self->action == MAR_INFUSION_ACTION_STOP)
          ok = mar_record_stop (record, &context, self->infusion_id, confirmed ? NULL : &volume,
                                reason_code, comment, &error);
        else
          ok = mar_record_complete (record, &context, self->infusion_id, confirmed ? NULL : &volume,
                                    comment, &error);
      }
      break;

    case MAR_INFUSION_ACTION_REACTION:
      {
        MarReactionRequest request = { 0 };
        g_auto(GStrv) actions = mar_choice_group_dup_selected (field_choices (self, "actions"));
        MarChoiceGroup *keep = field_choices (self, "keep-running");

        request.kind = mar_choice_group_get_selected (field_choices (self, "kind"));
        request.severity = mar_choice_group_get_selected (field_choices (self, "severity"));
        if (request.kind == NULL || request.severity == NULL)
          {
            show_error (self, _("Choose what happened and how severe it is."));
            return FALSE;
          }
        request.actions = (const char * const *) actions;
        request.outcome = mar_choice_group_get_selected (field_choices (self, "outcome"));
        request.comment = comment;
        if (gtk_widget_get_visible (GTK_WIDGET (keep)))
          {
            request.keep_running_reason = mar_choice_group_get_selected (keep);
            request.keep_running_comment = comment;
          }
        entry_seq = mar_record_add_reaction (record, &context, self->infusion_id, &request, &error);
        ok = entry_seq > 0;
      }
      break;

    case MAR_INFUSION_ACTION_SITE_CHECK:
      {
        MarSiteCheckRequest request = { 0 };
        g_auto(GStrv) findings = mar_choice_group_dup_selected (field_choices (self, "findings"));
        MarChoiceGroup *keep = field_choices (self, "keep-running");

        request.findings = (const char * const *) findings;
        request.severity = mar_choice_group_get_selected (field_choices (self, "severity"));
        if (findings[0] != NULL && request.severity == NULL)
          {
            show_error (self, _("Choose how severe the findings are."));
            return FALSE;
          }
        request.comment = comment;
        if (gtk_widget_get_visible (GTK_WIDGET (keep)))
          {
            request.keep_running_reason = mar_choice_group_get_selected (keep);
            request.keep_running_comment = comment;
          }
        entry_seq = mar_record_add_site_check (record, &context, self->infusion_id, &request, &error);
        ok = entry_seq > 0;
      }
      break;

    case MAR_INFUSION_ACTION_HOLD:
    case MAR_INFUSION_ACTION_REFUSE:
    case MAR_INFUSION_ACTION_MISSING:
    case MAR_INFUSION_ACTION_NOT_GIVEN:
      if (self->infusion != NULL)
        result = mar_record_document_not_done (record, &context, self->action, self->infusion_id,
                                               reason_code, comment, NULL, &error);
      else
        {
          MarNotDoneRequest request = { 0 };

          request.patient_scan = self->patient_scan;
          request.order_id = self->order_id;
          request.reason = reason_code;
          request.comment = comment;
          result = mar_record_document_not_done (record, &context, self->action, 0,
                                                 reason_code, comment, &request, &error);
        }
      ok = result != NULL;
      if (result != NULL)
        {
          infusion_id = result->id;
          entry_seq = result->updated_seq;
        }
      break;

    case MAR_INFUSION_ACTION_START:
    case MAR_INFUSION_N_ACTIONS:
    default:
      g_assert_not_reached ();
    }

  if (!ok)
    {
      if (g_error_matches (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_OVERRIDE_REQUIRED) && check != NULL)
        {
          add_override_groups (self, check);
          show_error (self, error->message);
        }
      else
        {
          g_autofree char *message = error_with_check (error, check);

          show_error (self, message);
        }
      return FALSE;
    }

  /* The entry just written is the bag's latest: the one an undo corrects. */
  if (entry_seq == 0)
    {
      g_autoptr(MarInfusion) bag = mar_record_get_infusion (record, infusion_id, NULL);

      if (bag != NULL)
        entry_seq = bag->updated_seq;
    }
  show_error (self, NULL);
  g_signal_emit (self, signals[SIGNAL_SAVED], 0, infusion_id, entry_seq, (int) self->action);
  return TRUE;
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  mar_action_page_save (MAR_ACTION_PAGE (widget));
}

static void
mar_action_page_dispose (GObject *object)
{
  GtkWidget *child;
  MarActionPage *self = (MarActionPage *) object;

  g_clear_object (&self->terminal);
  g_clear_pointer (&self->nurse, mar_signature_unref);
  g_clear_pointer (&self->infusion, mar_infusion_free);
  g_clear_pointer (&self->patient_scan, mar_scan_result_unref);
  g_clear_pointer (&self->fields, g_hash_table_unref);
  self->witness_box = NULL;
  self->overrides_box = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (self), MAR_TYPE_ACTION_PAGE);
  /* The template's top-level child is not bound: unparent it too. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (mar_action_page_parent_class)->dispose (object);
}

static void
mar_action_page_finalize (GObject *object)
{
  MarActionPage *self = (MarActionPage *) object;

  g_free (self->order_id);
  g_free (self->medication);
  g_free (self->prefilled_volume);
  G_OBJECT_CLASS (mar_action_page_parent_class)->finalize (object);
}

static void
mar_action_page_class_init (MarActionPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mar_action_page_dispose;
  object_class->finalize = mar_action_page_finalize;

  /* ::saved (gint64 infusion, gint64 entry_seq, int MarInfusionAction) */
  signals[SIGNAL_SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_INT64, G_TYPE_INT64, G_TYPE_INT);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/bedsidemar/BedsideMar/ui/mar-action-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MarActionPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, MarActionPage, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, MarActionPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, MarActionPage, form_box);
  gtk_widget_class_bind_template_child (widget_class, MarActionPage, error_box);
  gtk_widget_class_bind_template_child (widget_class, MarActionPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, MarActionPage, save_content);
  gtk_widget_class_install_action (widget_class, "action.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "action.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "action.save", NULL);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "actionpage");
}

static void
mar_action_page_init (MarActionPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->fields = g_hash_table_new (g_str_hash, g_str_equal);
}

GtkWidget *
mar_action_page_new (MarTerminal *terminal)
{
  MarActionPage *self = g_object_new (MAR_TYPE_ACTION_PAGE, NULL);

  self->terminal = g_object_ref (terminal);
  return GTK_WIDGET (self);
}

MarInfusionAction
mar_action_page_get_action (MarActionPage *self)
{
  g_return_val_if_fail (MAR_IS_ACTION_PAGE (self), MAR_INFUSION_ACTION_START);
  return self->action;
}

gint64
mar_action_page_get_infusion (MarActionPage *self)
{
  g_return_val_if_fail (MAR_IS_ACTION_PAGE (self), 0);
  return self->infusion_id;
}

gboolean
mar_action_page_take_badge (MarActionPage *self,
                            const char    *badge)
{
  g_return_val_if_fail (MAR_IS_ACTION_PAGE (self), FALSE);
  return self->witness_box != NULL && mar_witness_box_take_badge (self->witness_box, badge);
}

void
mar_action_page_forget_witness (MarActionPage *self)
{
  g_return_if_fail (MAR_IS_ACTION_PAGE (self));

  if (self->witness_box != NULL)
    mar_witness_box_clear (self->witness_box);
}

void
mar_action_page_focus_default (MarActionPage *self)
{
  g_return_if_fail (MAR_IS_ACTION_PAGE (self));
  gtk_widget_child_focus (GTK_WIDGET (self->form_box), GTK_DIR_TAB_FORWARD);
}

void
mar_action_page_set_nurse (MarActionPage *self,
                           MarSignature  *nurse)
{
  g_return_if_fail (MAR_IS_ACTION_PAGE (self));

  if (nurse != NULL)
    mar_signature_ref (nurse);
  g_clear_pointer (&self->nurse, mar_signature_unref);
  self->nurse = nurse;
}
