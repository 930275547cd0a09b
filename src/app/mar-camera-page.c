/* mar-camera-page.c — scanning a label with the webcam
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-camera-page"

#include "config.h"

#include "mar-camera-page.h"

#include <glib/gi18n.h>

#include "mar-camera.h"

struct _MarCameraPage
{
  GtkWidget   parent_instance;

  GtkSpinner *spinner;
  GtkLabel   *status_label;

  GSettings  *settings;
  MarCamera  *camera;
};

enum {
  SIGNAL_SCANNED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MarCameraPage, mar_camera_page, GTK_TYPE_WIDGET)

static void
camera_scanned_cb (MarCameraPage *self,
                   MarBarcode    *barcode)
{
  gsize length = 0;
  char *data = mar_barcode_dup_scan_data (barcode, &length);
  g_autoptr(GBytes) bytes = g_bytes_new_take (data, length);

  g_signal_emit (self, signals[SIGNAL_SCANNED], 0, bytes);
}

static void
camera_error_cb (MarCameraPage *self,
                 const GError  *error)
{
  gtk_label_set_label (self->status_label, error->message);
  if (error->domain == MAR_CAMERA_ERROR)
    gtk_spinner_stop (self->spinner);
}

void
mar_camera_page_start (MarCameraPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *device = NULL;
  const char *source;

  g_return_if_fail (MAR_IS_CAMERA_PAGE (self));

  if (self->camera != NULL && mar_camera_is_scanning (self->camera))
    return;
  if (self->camera == NULL)
    {
      self->camera = mar_camera_new ();
      g_signal_connect_object (self->camera, "scanned", G_CALLBACK (camera_scanned_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->camera, "error", G_CALLBACK (camera_error_cb), self, G_CONNECT_SWAPPED);
    }
  device = self->settings != NULL ? g_settings_get_string (self->settings, "camera-device") : NULL;
  mar_camera_set_device (self->camera, device != NULL && *device != '\0' ? device : NULL);
  /* A GStreamer source instead of the V4L2 camera (tests, a demo without
   * a webcam): "multifilesrc location=label.png ! pngdec". */
  source = g_getenv ("BEDSIDE_MAR_CAMERA_SOURCE");
  mar_camera_set_source_description (self->camera, source);

  gtk_label_set_label (self->status_label, _("Looking for a barcode…"));
  if (!mar_camera_start (self->camera, &error))
    {
      g_autofree char *text = g_strdup_printf (_("The camera cannot be used: %s"), error->message);

      gtk_label_set_label (self->status_label, text);
      gtk_spinner_stop (self->spinner);
      return;
    }
  gtk_spinner_start (self->spinner);
}

void
mar_camera_page_stop (MarCameraPage *self)
{
  g_return_if_fail (MAR_IS_CAMERA_PAGE (self));

  /* The camera is released whenever the page is not on screen. */
  if (self->camera != NULL)
    mar_camera_stop (self->camera);
  gtk_spinner_stop (self->spinner);
}

static void
mar_camera_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (mar_camera_page_parent_class)->map (widget);
  mar_camera_page_start (MAR_CAMERA_PAGE (widget));
}

static void
mar_camera_page_unmap (GtkWidget *widget)
{
  mar_camera_page_stop (MAR_CAMERA_PAGE (widget));
  GTK_WIDGET_CLASS (mar_camera_page_parent_class)->unmap (widget);
}

static void
mar_camera_page_dispose (GObject *object)
{
  GtkWidget *child;
  MarCameraPage *self = (MarCameraPage *) object;

  if (self->camera != NULL)
    mar_camera_stop (self->camera);
  g_clear_object (&self->camera);
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), MAR_TYPE_CAMERA_PAGE);
  /* The template's top-level child is not bound: unparent it too. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (mar_camera_page_parent_class)->dispose (object);
}

static void
mar_camera_page_class_init (MarCameraPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mar_camera_page_dispose;
  widget_class->map = mar_camera_page_map;
  widget_class->unmap = mar_camera_page_unmap;

  /* ::scanned (GBytes *data): what the camera read, as a scanner sends it. */
  signals[SIGNAL_SCANNED] =
    g_signal_new ("scanned", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BYTES);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/bedsidemar/BedsideMar/ui/mar-camera-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MarCameraPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, MarCameraPage, status_label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "camerapage");
}

static void
mar_camera_page_init (MarCameraPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
mar_camera_page_new (GSettings *settings)
{
  MarCameraPage *self = g_object_new (MAR_TYPE_CAMERA_PAGE, NULL);

  g_set_object (&self->settings, settings);
  return GTK_WIDGET (self);
}
