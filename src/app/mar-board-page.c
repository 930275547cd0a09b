/* mar-board-page.c — the unit board: every bed at a glance
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-board-page"

#include "config.h"

#include "mar-board-page.h"

#include <glib/gi18n.h>

#include "mar-bed-row.h"
#include "mar-patient-summary.h"

struct _MarBoardPage
{
  GtkWidget      parent_instance;

  GtkStack      *stack;
  GtkListBox    *list_box;
  AdwStatusPage *empty_page;

  MarTerminal   *terminal;
  guint          n_beds;
};

enum {
  SIGNAL_PATIENT_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MarBoardPage, mar_board_page, GTK_TYPE_WIDGET)

static void
row_activated_cb (MarBoardPage  *self,
                  GtkListBoxRow *row)
{
  if (MAR_IS_BED_ROW (row))
    g_signal_emit (self, signals[SIGNAL_PATIENT_ACTIVATED], 0, mar_bed_row_get_patient_id (MAR_BED_ROW (row)));
}

void
mar_board_page_refresh (MarBoardPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) summaries = NULL;
  GtkWidget *child;
  gint64 now;

  g_return_if_fail (MAR_IS_BOARD_PAGE (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
    gtk_list_box_remove (self->list_box, child);
  self->n_beds = 0;

  now = mar_terminal_get_now (self->terminal);
  summaries = mar_patient_summary_list_unit (mar_terminal_get_verifier (self->terminal),
                                             mar_terminal_get_record (self->terminal),
                                             mar_terminal_get_unit_id (self->terminal), now, &error);
  if (summaries == NULL)
    {
      adw_status_page_set_title (self->empty_page, _("The unit board cannot be read"));
      adw_status_page_set_description (self->empty_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  for (guint i = 0; i < summaries->len; i++)
    gtk_list_box_append (self->list_box,
                         mar_bed_row_new (g_ptr_array_index (summaries, i),
                                          mar_terminal_get_time_zone (self->terminal), now));
  self->n_beds = summaries->len;
  adw_status_page_set_title (self->empty_page, _("No patients on this unit"));
  adw_status_page_set_description (self->empty_page, NULL);
  gtk_stack_set_visible_child_name (self->stack, summaries->len > 0 ? "beds" : "empty");
}

static void
mar_board_page_dispose (GObject *object)
{
  GtkWidget *child;
  MarBoardPage *self = (MarBoardPage *) object;

  g_clear_object (&self->terminal);
  gtk_widget_dispose_template (GTK_WIDGET (self), MAR_TYPE_BOARD_PAGE);
  /* The template's top-level child is not bound: unparent it too. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (mar_board_page_parent_class)->dispose (object);
}

static void
mar_board_page_class_init (MarBoardPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mar_board_page_dispose;

  /* ::patient-activated (const char *patient_id): a bed was tapped. */
  signals[SIGNAL_PATIENT_ACTIVATED] =
    g_signal_new ("patient-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/bedsidemar/BedsideMar/ui/mar-board-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MarBoardPage, stack);
  gtk_widget_class_bind_template_child (widget_class, MarBoardPage, list_box);
  gtk_widget_class_bind_template_child (widget_class, MarBoardPage, empty_page);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "boardpage");
}

static void
mar_board_page_init (MarBoardPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
mar_board_page_new (MarTerminal *terminal)
{
  MarBoardPage *self = g_object_new (MAR_TYPE_BOARD_PAGE, NULL);

  self->terminal = g_object_ref (terminal);
  mar_board_page_refresh (self);
  return GTK_WIDGET (self);
}

guint
mar_board_page_get_n_beds (MarBoardPage *self)
{
  g_return_val_if_fail (MAR_IS_BOARD_PAGE (self), 0);
  return self->n_beds;
}

GtkWidget *
mar_board_page_get_row (MarBoardPage *self,
                        const char   *patient_id)
{
  g_return_val_if_fail (MAR_IS_BOARD_PAGE (self), NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (MAR_IS_BED_ROW (child) && g_strcmp0 (mar_bed_row_get_patient_id (MAR_BED_ROW (child)), patient_id) == 0)
      return child;
  return NULL;
}
