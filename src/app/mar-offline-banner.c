/* mar-offline-banner.c — "offline" under the header, in words and colour
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-offline-banner"

#include "config.h"

#include "mar-offline-banner.h"

struct _MarOfflineBanner
{
  GtkWidget    parent_instance;

  GtkRevealer *revealer;
  GtkLabel    *title_label;
};

G_DEFINE_FINAL_TYPE (MarOfflineBanner, mar_offline_banner, GTK_TYPE_WIDGET)

static void
mar_offline_banner_dispose (GObject *object)
{
  GtkWidget *child;
  gtk_widget_dispose_template (GTK_WIDGET (object), MAR_TYPE_OFFLINE_BANNER);
  /* The template's top-level child is not bound: unparent it too. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (mar_offline_banner_parent_class)->dispose (object);
}

static void
mar_offline_banner_class_init (MarOfflineBannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mar_offline_banner_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/bedsidemar/BedsideMar/ui/mar-offline-banner.ui");
  gtk_widget_class_bind_template_child (widget_class, MarOfflineBanner, revealer);
  gtk_widget_class_bind_template_child (widget_class, MarOfflineBanner, title_label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "offlinebanner");
  /* Read out when it appears: the nurse may not be looking at the top. */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_ALERT);
}

static void
mar_offline_banner_init (MarOfflineBanner *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
mar_offline_banner_set_title (MarOfflineBanner *self,
                              const char       *title)
{
  g_return_if_fail (MAR_IS_OFFLINE_BANNER (self));

  gtk_label_set_label (self->title_label, title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
}

const char *
mar_offline_banner_get_title (MarOfflineBanner *self)
{
  g_return_val_if_fail (MAR_IS_OFFLINE_BANNER (self), NULL);
  return gtk_label_get_label (self->title_label);
}

void
mar_offline_banner_set_revealed (MarOfflineBanner *self,
                                 gboolean          revealed)
{
  g_return_if_fail (MAR_IS_OFFLINE_BANNER (self));
  gtk_revealer_set_reveal_child (self->revealer, revealed);
}

gboolean
mar_offline_banner_get_revealed (MarOfflineBanner *self)
{
  g_return_val_if_fail (MAR_IS_OFFLINE_BANNER (self), FALSE);
  return gtk_revealer_get_reveal_child (self->revealer);
}
