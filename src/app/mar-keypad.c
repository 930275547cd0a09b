/* mar-keypad.c — an on-screen numeric keypad for gloved fingers
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-keypad"

#include "config.h"

#include "mar-keypad.h"

#include <locale.h>
#include <string.h>

struct _MarKeypad
{
  GtkWidget    parent_instance;

  GtkWidget   *grid;
  GtkStack    *corner_stack;
  GtkButton   *decimal_button;

  GtkEditable *target;   /* weak */
  gboolean     decimal;
};

enum {
  PROP_0,
  PROP_TARGET,
  PROP_DECIMAL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (MarKeypad, mar_keypad, GTK_TYPE_WIDGET)

static const char *
decimal_point (void)
{
  const char *point = localeconv ()->decimal_point;

  return point != NULL && *point != '\0' ? point : ".";
}

static void
type_text (MarKeypad  *self,
           const char *text)
{
  int position;

  if (self->target == NULL)
    return;
  /* Keys type at the end: a keypad has no cursor keys, and a nurse
   * correcting a rate deletes from the right. */
  position = -1;
  gtk_editable_insert_text (self->target, text, -1, &position);
  gtk_editable_set_position (self->target, -1);
}

static void
digit_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  type_text (MAR_KEYPAD (widget), g_variant_get_string (parameter, NULL));
}

static void
decimal_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  MarKeypad *self = MAR_KEYPAD (widget);
  g_autofree char *text = NULL;

  if (self->target == NULL)
    return;
  text = gtk_editable_get_chars (self->target, 0, -1);
  if (strstr (text, decimal_point ()) != NULL)
    return;
  type_text (self, *text == '\0' ? "0" : "");
  type_text (self, decimal_point ());
}

static void
backspace_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  MarKeypad *self = MAR_KEYPAD (widget);
  g_autofree char *text = NULL;
  glong length;

  if (self->target == NULL)
    return;
  text = gtk_editable_get_chars (self->target, 0, -1);
  length = g_utf8_strlen (text, -1);
  if (length > 0)
    gtk_editable_delete_text (self->target, (int) length - 1, -1);
}

static void
clear_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  MarKeypad *self = MAR_KEYPAD (widget);

  if (self->target != NULL)
    gtk_editable_delete_text (self->target, 0, -1);
}

static void
mar_keypad_dispose (GObject *object)
{
  GtkWidget *child;
  MarKeypad *self = (MarKeypad *) object;

  g_clear_weak_pointer (&self->target);
  gtk_widget_dispose_template (GTK_WIDGET (self), MAR_TYPE_KEYPAD);
  /* The template's top-level child is not bound: unparent it too. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (mar_keypad_parent_class)->dispose (object);
}

static void
mar_keypad_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  MarKeypad *self = MAR_KEYPAD (object);

  switch (prop_id)
    {
    case PROP_TARGET:
      g_value_set_object (value, self->target);
      break;
    case PROP_DECIMAL:
      g_value_set_boolean (value, self->decimal);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mar_keypad_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  MarKeypad *self = MAR_KEYPAD (object);

  switch (prop_id)
    {
    case PROP_TARGET:
      mar_keypad_set_target (self, g_value_get_object (value));
      break;
    case PROP_DECIMAL:
      mar_keypad_set_decimal (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mar_keypad_class_init (MarKeypadClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mar_keypad_dispose;
  object_class->get_property = mar_keypad_get_property;
  object_class->set_property = mar_keypad_set_property;

  properties[PROP_TARGET] =
    g_param_spec_object ("target", NULL, NULL, GTK_TYPE_EDITABLE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DECIMAL] =
    g_param_spec_boolean ("decimal", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/bedsidemar/BedsideMar/ui/mar-keypad.ui");
  gtk_widget_class_bind_template_child (widget_class, MarKeypad, grid);
  gtk_widget_class_bind_template_child (widget_class, MarKeypad, corner_stack);
  gtk_widget_class_bind_template_child (widget_class, MarKeypad, decimal_button);

  gtk_widget_class_install_action (widget_class, "keypad.digit", "s", digit_action);
  gtk_widget_class_install_action (widget_class, "keypad.decimal", NULL, decimal_action);
  gtk_widget_class_install_action (widget_class, "keypad.backspace", NULL, backspace_action);
  gtk_widget_class_install_action (widget_class, "keypad.clear", NULL, clear_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "keypad");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
mar_keypad_init (MarKeypad *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_button_set_label (self->decimal_button, decimal_point ());
  gtk_stack_set_visible_child_name (self->corner_stack, "clear");
}

GtkWidget *
mar_keypad_new (void)
{
  return g_object_new (MAR_TYPE_KEYPAD, NULL);
}

GtkEditable *
mar_keypad_get_target (MarKeypad *self)
{
  g_return_val_if_fail (MAR_IS_KEYPAD (self), NULL);
  return self->target;
}

void
mar_keypad_set_target (MarKeypad   *self,
                       GtkEditable *target)
{
  g_return_if_fail (MAR_IS_KEYPAD (self));
  g_return_if_fail (target == NULL || GTK_IS_EDITABLE (target));

  if (g_set_weak_pointer (&self->target, target))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TARGET]);
}

gboolean
mar_keypad_get_decimal (MarKeypad *self)
{
  g_return_val_if_fail (MAR_IS_KEYPAD (self), FALSE);
  return self->decimal;
}

void
mar_keypad_set_decimal (MarKeypad *self,
                        gboolean   decimal)
{
  g_return_if_fail (MAR_IS_KEYPAD (self));

  decimal = !!decimal;
  if (self->decimal == decimal)
    return;
  self->decimal = decimal;
  gtk_stack_set_visible_child_name (self->corner_stack, decimal ? "decimal" : "clear");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DECIMAL]);
}
