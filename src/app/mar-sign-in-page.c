/* mar-sign-in-page.c — badge and PIN
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-sign-in-page"

#include "config.h"

#include "mar-sign-in-page.h"

#include <glib/gi18n.h>

#include "mar-keypad.h"

struct _MarSignInPage
{
  GtkWidget    parent_instance;

  GtkEntry    *badge_entry;
  GtkLabel    *staff_label;
  GtkWidget   *message_box;
  GtkImage    *message_icon;
  GtkLabel    *message_label;
  GtkWidget   *demo_box;
  GtkWidget   *pin_entry;
  MarKeypad   *keypad;

  MarTerminal *terminal;
};

enum {
  SIGNAL_SIGNED_IN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MarSignInPage, mar_sign_in_page, GTK_TYPE_WIDGET)

static void
show_message (MarSignInPage *self,
              const char    *message,
              gboolean       error)
{
  gtk_widget_set_visible (self->message_box, message != NULL);
  if (message == NULL)
    return;
  gtk_label_set_label (self->message_label, message);
  gtk_image_set_from_icon_name (self->message_icon,
                                error ? "dialog-error-symbolic" : "dialog-information-symbolic");
  gtk_widget_remove_css_class (self->message_box, error ? "info" : "error");
  gtk_widget_add_css_class (self->message_box, error ? "error" : "info");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->message_box),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, message, -1);
}

void
mar_sign_in_page_show_error (MarSignInPage *self,
                             const char    *message)
{
  g_return_if_fail (MAR_IS_SIGN_IN_PAGE (self));
  show_message (self, message, TRUE);
}

/* Shows whose badge it is, so the nurse sees it was read right before
 * typing the PIN. */
static void
look_up_badge (MarSignInPage *self)
{
  const char *badge = gtk_editable_get_text (GTK_EDITABLE (self->badge_entry));
  g_autoptr(MarStaff) staff = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->staff_label), FALSE);
  if (self->terminal == NULL || *badge == '\0')
    return;
  staff = mar_store_find_staff_by_badge (mar_terminal_get_store (self->terminal), badge, NULL);
  if (staff != NULL && staff->name != NULL)
    {
      gtk_label_set_label (self->staff_label, staff->name);
      gtk_widget_set_visible (GTK_WIDGET (self->staff_label), TRUE);
    }
}

static void
badge_entry_activate_cb (MarSignInPage *self)
{
  look_up_badge (self);
  gtk_widget_grab_focus (self->pin_entry);
}

static void
badge_entry_changed_cb (MarSignInPage *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->staff_label), FALSE);
}

void
mar_sign_in_page_submit (MarSignInPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarSignature) signature = NULL;
  g_autofree char *badge = NULL;
  g_autofree char *pin = NULL;

  g_return_if_fail (MAR_IS_SIGN_IN_PAGE (self));

  if (self->terminal == NULL)
    return;

  badge = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->badge_entry))));
  pin = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->pin_entry)));
  if (*badge == '\0')
    {
      show_message (self, _("Scan your badge or type its number first."), TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->badge_entry));
      return;
    }
  if (*pin == '\0')
    {
      show_message (self, _("Type your PIN on the keypad."), TRUE);
      gtk_widget_grab_focus (self->pin_entry);
      return;
    }

  signature = mar_terminal_sign_in (self->terminal, badge, pin, &error);
  /* The PIN never stays on screen, right or wrong. */
  gtk_editable_set_text (GTK_EDITABLE (self->pin_entry), "");
  if (signature == NULL)
    {
      show_message (self, error->message, TRUE);
      if (g_error_matches (error, MAR_STAFF_AUTH_ERROR, MAR_STAFF_AUTH_ERROR_WRONG_PIN))
        gtk_widget_grab_focus (self->pin_entry);
      else
        {
          gtk_editable_set_text (GTK_EDITABLE (self->badge_entry), "");
          gtk_widget_grab_focus (GTK_WIDGET (self->badge_entry));
        }
      return;
    }

  g_signal_emit (self, signals[SIGNAL_SIGNED_IN], 0, signature);
}

static void
pin_entry_activate_cb (MarSignInPage *self)
{
  mar_sign_in_page_submit (self);
}

static void
submit_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  mar_sign_in_page_submit (MAR_SIGN_IN_PAGE (widget));
}

static void
mar_sign_in_page_dispose (GObject *object)
{
  GtkWidget *child;
  MarSignInPage *self = (MarSignInPage *) object;

  g_clear_object (&self->terminal);
  gtk_widget_dispose_template (GTK_WIDGET (self), MAR_TYPE_SIGN_IN_PAGE);
  /* The template's top-level child is not bound: unparent it too. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (mar_sign_in_page_parent_class)->dispose (object);
}

static void
mar_sign_in_page_class_init (MarSignInPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mar_sign_in_page_dispose;

  /* ::signed-in (MarSignature *): the badge and PIN were good. */
  signals[SIGNAL_SIGNED_IN] =
    g_signal_new ("signed-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, MAR_TYPE_SIGNATURE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/bedsidemar/BedsideMar/ui/mar-sign-in-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MarSignInPage, badge_entry);
  gtk_widget_class_bind_template_child (widget_class, MarSignInPage, staff_label);
  gtk_widget_class_bind_template_child (widget_class, MarSignInPage, message_box);
  gtk_widget_class_bind_template_child (widget_class, MarSignInPage, message_icon);
  gtk_widget_class_bind_template_child (widget_class, MarSignInPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, MarSignInPage, demo_box);
  gtk_widget_class_bind_template_child (widget_class, MarSignInPage, pin_entry);
  gtk_widget_class_bind_template_child (widget_class, MarSignInPage, keypad);
  gtk_widget_class_bind_template_callback (widget_class, badge_entry_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, badge_entry_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, pin_entry_activate_cb);

  gtk_widget_class_install_action (widget_class, "sign-in.submit", NULL, submit_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "signinpage");
}

static void
mar_sign_in_page_init (MarSignInPage *self)
{
  g_type_ensure (MAR_TYPE_KEYPAD);
  gtk_widget_init_template (GTK_WIDGET (self));
  mar_keypad_set_target (self->keypad, GTK_EDITABLE (self->pin_entry));
}

void
mar_sign_in_page_set_terminal (MarSignInPage *self,
                               MarTerminal   *terminal)
{
  g_return_if_fail (MAR_IS_SIGN_IN_PAGE (self));

  g_set_object (&self->terminal, terminal);
  gtk_widget_set_visible (self->demo_box,
                          terminal != NULL && mar_terminal_get_demo_labels (terminal) != NULL);
}

void
mar_sign_in_page_set_badge (MarSignInPage *self,
                            const char    *badge)
{
  g_return_if_fail (MAR_IS_SIGN_IN_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->badge_entry), badge);
  gtk_editable_set_text (GTK_EDITABLE (self->pin_entry), "");
  show_message (self, NULL, FALSE);
  look_up_badge (self);
  gtk_widget_grab_focus (self->pin_entry);
}

void
mar_sign_in_page_reset (MarSignInPage *self,
                        const char    *message)
{
  g_return_if_fail (MAR_IS_SIGN_IN_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->badge_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->pin_entry), "");
  gtk_widget_set_visible (GTK_WIDGET (self->staff_label), FALSE);
  show_message (self, message, FALSE);
}

void
mar_sign_in_page_focus (MarSignInPage *self)
{
  g_return_if_fail (MAR_IS_SIGN_IN_PAGE (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->badge_entry));
}
