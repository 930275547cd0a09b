/* mar-choice-group.c — pick one (or several) terms of a fixed list, by touch
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-choice-group"

#include "config.h"

#include "mar-choice-group.h"

struct _MarChoiceGroup
{
  GtkWidget      parent_instance;

  GtkWidget     *box;
  GtkWidget     *title_label;
  GtkWidget     *flow_box;
  GPtrArray     *buttons;     /* (GtkToggleButton *) in list order */
  const MarTerm *terms;
  guint          n_terms;
  gboolean       multiple;
  char          *key;
};

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MarChoiceGroup, mar_choice_group, GTK_TYPE_WIDGET)

static void
button_toggled_cb (MarChoiceGroup  *self,
                   GtkToggleButton *button)
{
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
mar_choice_group_dispose (GObject *object)
{
  MarChoiceGroup *self = (MarChoiceGroup *) object;

  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_pointer (&self->buttons, g_ptr_array_unref);

  G_OBJECT_CLASS (mar_choice_group_parent_class)->dispose (object);
}

static void
mar_choice_group_finalize (GObject *object)
{
  MarChoiceGroup *self = (MarChoiceGroup *) object;

  g_free (self->key);
  G_OBJECT_CLASS (mar_choice_group_parent_class)->finalize (object);
}

static void
mar_choice_group_class_init (MarChoiceGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mar_choice_group_dispose;
  object_class->finalize = mar_choice_group_finalize;

  /* ::changed: the selection changed. */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "choicegroup");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
mar_choice_group_init (MarChoiceGroup *self)
{
  self->buttons = g_ptr_array_new ();
}

GtkWidget *
mar_choice_group_new (const char    *title,
                      const MarTerm *terms,
                      guint          n_terms,
                      gboolean       multiple)
{
  MarChoiceGroup *self = g_object_new (MAR_TYPE_CHOICE_GROUP, NULL);
  GtkToggleButton *group = NULL;

  self->terms = terms;
  self->n_terms = n_terms;
  self->multiple = multiple;

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  self->title_label = gtk_label_new (title);
  gtk_label_set_xalign (GTK_LABEL (self->title_label), 0);
  gtk_label_set_wrap (GTK_LABEL (self->title_label), TRUE);
  gtk_widget_add_css_class (self->title_label, "heading");
  gtk_box_append (GTK_BOX (self->box), self->title_label);

  self->flow_box = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (self->flow_box), GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (self->flow_box), TRUE);
  gtk_flow_box_set_min_children_per_line (GTK_FLOW_BOX (self->flow_box), 2);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (self->flow_box), 4);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (self->flow_box), 8);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (self->flow_box), 8);
  gtk_box_append (GTK_BOX (self->box), self->flow_box);

  for (guint i = 0; i < n_terms; i++)
    {
      GtkWidget *button = gtk_toggle_button_new ();
      GtkWidget *label = gtk_label_new (mar_term_get_label (&terms[i]));

      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
      gtk_button_set_child (GTK_BUTTON (button), label);
      gtk_widget_add_css_class (button, "choice");
      /* Single choice: the buttons are one radio group. */
      if (!multiple)
        {
          if (group == NULL)
            group = GTK_TOGGLE_BUTTON (button);
          else
            gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button), group);
        }
      g_signal_connect_object (button, "toggled", G_CALLBACK (button_toggled_cb), self, G_CONNECT_SWAPPED);
      gtk_flow_box_append (GTK_FLOW_BOX (self->flow_box), button);
      g_ptr_array_add (self->buttons, button);
    }

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  return GTK_WIDGET (self);
}

GtkWidget *
mar_choice_group_new_for_list (const char    *title,
                               MarVocabulary  vocabulary,
                               gboolean       multiple)
{
  guint n_terms = 0;
  const MarTerm *terms = mar_vocabulary_get (vocabulary, &n_terms);

  return mar_choice_group_new (title, terms, n_terms, multiple);
}

const char *
mar_choice_group_get_selected (MarChoiceGroup *self)
{
  g_return_val_if_fail (MAR_IS_CHOICE_GROUP (self), NULL);

  for (guint i = 0; i < self->buttons->len; i++)
    if (gtk_toggle_button_get_active (g_ptr_array_index (self->buttons, i)))
      return self->terms[i].code;
  return NULL;
}

char **
mar_choice_group_dup_selected (MarChoiceGroup *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (MAR_IS_CHOICE_GROUP (self), NULL);

  for (guint i = 0; i < self->buttons->len; i++)
    if (gtk_toggle_button_get_active (g_ptr_array_index (self->buttons, i)))
      g_strv_builder_add (builder, self->terms[i].code);
  return g_strv_builder_end (builder);
}

gboolean
mar_choice_group_has_selection (MarChoiceGroup *self)
{
  return mar_choice_group_get_selected (self) != NULL;
}

gboolean
mar_choice_group_select (MarChoiceGroup *self,
                         const char     *code)
{
  g_return_val_if_fail (MAR_IS_CHOICE_GROUP (self), FALSE);

  for (guint i = 0; i < self->buttons->len; i++)
    if (g_strcmp0 (self->terms[i].code, code) == 0)
      {
        gtk_toggle_button_set_active (g_ptr_array_index (self->buttons, i), TRUE);
        return TRUE;
      }
  return FALSE;
}

gboolean
mar_choice_group_needs_comment (MarChoiceGroup *self)
{
  g_return_val_if_fail (MAR_IS_CHOICE_GROUP (self), FALSE);

  for (guint i = 0; i < self->buttons->len; i++)
    if (gtk_toggle_button_get_active (g_ptr_array_index (self->buttons, i)) &&
        mar_term_needs_comment (&self->terms[i]))
      return TRUE;
  return FALSE;
}

const char *
mar_choice_group_get_key (MarChoiceGroup *self)
{
  g_return_val_if_fail (MAR_IS_CHOICE_GROUP (self), NULL);
  return self->key;
}

void
mar_choice_group_set_key (MarChoiceGroup *self,
                          const char     *key)
{
  g_return_if_fail (MAR_IS_CHOICE_GROUP (self));
  g_free (self->key);
  self->key = g_strdup (key);
}
