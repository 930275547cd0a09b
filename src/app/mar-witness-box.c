/* mar-witness-box.c — a second nurse signs on the spot: badge and PIN
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-witness-box"

#include "config.h"

#include "mar-witness-box.h"

#include <glib/gi18n.h>

#include "mar-format.h"
#include "mar-keypad.h"

struct _MarWitnessBox
{
  GtkWidget     parent_instance;

  GtkWidget    *box;
  GtkStack     *stack;
  GtkEntry     *badge_entry;
  GtkWidget    *pin_entry;
  MarKeypad    *keypad;
  GtkLabel     *signed_label;
  GtkLabel     *error_label;

  MarTerminal  *terminal;
  MarSignature *performer;
  MarSignature *witness;
};

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MarWitnessBox, mar_witness_box, GTK_TYPE_WIDGET)

static void
show_error (MarWitnessBox *self,
            const char    *message)
{
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  if (message != NULL)
    gtk_label_set_label (self->error_label, message);
}

gboolean
mar_witness_box_confirm (MarWitnessBox *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarSignature) witness = NULL;
  g_autofree char *badge = NULL;
  g_autofree char *pin = NULL;
  g_autofree char *clock = NULL;
  g_autofree char *text = NULL;
  const MarStaff *staff;

  g_return_val_if_fail (MAR_IS_WITNESS_BOX (self), FALSE);

  badge = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->badge_entry))));
  pin = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->pin_entry)));
  gtk_editable_set_text (GTK_EDITABLE (self->pin_entry), "");
  if (*badge == '\0' || *pin == '\0')
    {
      show_error (self, _("The witness scans their badge and types their PIN."));
      return FALSE;
    }

  witness = mar_terminal_sign_in (self->terminal, badge, pin, &error);
  if (witness == NULL)
    {
      show_error (self, error->message);
      return FALSE;
    }
  staff = mar_signature_get_staff (witness);
  /* The record refuses it too (WITNESS_MISSING); saying so now saves a
   * round trip at the bedside. */
  if (self->performer != NULL &&
      g_strcmp0 (staff->id, mar_signature_get_staff (self->performer)->id) == 0)
    {
      show_error (self, _("The witness must be another nurse, not the one giving the drug."));
      gtk_editable_set_text (GTK_EDITABLE (self->badge_entry), "");
      return FALSE;
    }
  if (mar_signature_get_role (witness) != MAR_ROLE_NURSE &&
      mar_signature_get_role (witness) != MAR_ROLE_CHARGE_NURSE)
    {
      show_error (self, _("The witness must be a nurse or a charge nurse."));
      gtk_editable_set_text (GTK_EDITABLE (self->badge_entry), "");
      return FALSE;
    }

  g_clear_pointer (&self->witness, mar_signature_unref);
  self->witness = g_steal_pointer (&witness);
  clock = mar_format_clock (mar_terminal_get_time_zone (self->terminal), mar_signature_get_time (self->witness));
  /* Translators: the witness who signed, and when. */
  text = g_strdup_printf (_("Witness: %s (signed %s)"), staff->name, clock);
  gtk_label_set_label (self->signed_label, text);
  gtk_stack_set_visible_child_name (self->stack, "signed");
  show_error (self, NULL);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  return TRUE;
}

void
mar_witness_box_clear (MarWitnessBox *self)
{
  g_return_if_fail (MAR_IS_WITNESS_BOX (self));

  g_clear_pointer (&self->witness, mar_signature_unref);
  gtk_editable_set_text (GTK_EDITABLE (self->badge_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->pin_entry), "");
  gtk_stack_set_visible_child_name (self->stack, "ask");
  show_error (self, NULL);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
badge_activate_cb (MarWitnessBox *self)
{
  gtk_widget_grab_focus (self->pin_entry);
}

static void
pin_activate_cb (MarWitnessBox *self)
{
  mar_witness_box_confirm (self);
}

static void
confirm_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  mar_witness_box_confirm (MAR_WITNESS_BOX (widget));
}

static void
clear_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  mar_witness_box_clear (MAR_WITNESS_BOX (widget));
}

static void
mar_witness_box_dispose (GObject *object)
{
  GtkWidget *child;
  MarWitnessBox *self = (MarWitnessBox *) object;

  g_clear_object (&self->terminal);
  g_clear_pointer (&self->performer, mar_signature_unref);
  g_clear_pointer (&self->witness, mar_signature_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), MAR_TYPE_WITNESS_BOX);
  /* The template's top-level child is not bound: unparent it too. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (mar_witness_box_parent_class)->dispose (object);
}

static void
mar_witness_box_class_init (MarWitnessBoxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mar_witness_box_dispose;

  /* ::changed: a witness signed, or was cleared. */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/bedsidemar/BedsideMar/ui/mar-witness-box.ui");
  gtk_widget_class_bind_template_child (widget_class, MarWitnessBox, box);
  gtk_widget_class_bind_template_child (widget_class, MarWitnessBox, stack);
  gtk_widget_class_bind_template_child (widget_class, MarWitnessBox, badge_entry);
  gtk_widget_class_bind_template_child (widget_class, MarWitnessBox, pin_entry);
  gtk_widget_class_bind_template_child (widget_class, MarWitnessBox, keypad);
  gtk_widget_class_bind_template_child (widget_class, MarWitnessBox, signed_label);
  gtk_widget_class_bind_template_child (widget_class, MarWitnessBox, error_label);
  gtk_widget_class_bind_template_callback (widget_class, badge_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, pin_activate_cb);
  gtk_widget_class_install_action (widget_class, "witness.confirm", NULL, confirm_action);
  gtk_widget_class_install_action (widget_class, "witness.clear", NULL, clear_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "witnessbox");
}

static void
mar_witness_box_init (MarWitnessBox *self)
{
  g_type_ensure (MAR_TYPE_KEYPAD);
  gtk_widget_init_template (GTK_WIDGET (self));
  mar_keypad_set_target (self->keypad, GTK_EDITABLE (self->pin_entry));
}

GtkWidget *
mar_witness_box_new (MarTerminal  *terminal,
                     MarSignature *performer)
{
  MarWitnessBox *self = g_object_new (MAR_TYPE_WITNESS_BOX, NULL);

  self->terminal = g_object_ref (terminal);
  self->performer = performer != NULL ? mar_signature_ref (performer) : NULL;
  return GTK_WIDGET (self);
}

MarSignature *
mar_witness_box_get_signature (MarWitnessBox *self)
{
  g_return_val_if_fail (MAR_IS_WITNESS_BOX (self), NULL);
  return self->witness;
}

gboolean
mar_witness_box_take_badge (MarWitnessBox *self,
                            const char    *badge)
{
  g_return_val_if_fail (MAR_IS_WITNESS_BOX (self), FALSE);

  if (self->witness != NULL)
    return FALSE;
  gtk_editable_set_text (GTK_EDITABLE (self->badge_entry), badge);
  gtk_editable_set_text (GTK_EDITABLE (self->pin_entry), "");
  show_error (self, NULL);
  gtk_widget_grab_focus (self->pin_entry);
  return TRUE;
}
