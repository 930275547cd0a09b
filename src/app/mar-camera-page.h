/* mar-camera-page.h — scanning a label with the webcam
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The camera (mar-camera.h) decodes frames in the isolated worker and
 * delivers each symbol once; the page turns it into a scan like any other.
 * The camera runs only while the page is on screen. It is a page of the
 * window, not a dialog, so a handheld scanner keeps working meanwhile.
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define MAR_TYPE_CAMERA_PAGE (mar_camera_page_get_type ())
G_DECLARE_FINAL_TYPE (MarCameraPage, mar_camera_page, MAR, CAMERA_PAGE, GtkWidget)

GtkWidget *mar_camera_page_new   (GSettings     *settings);
void       mar_camera_page_start (MarCameraPage *self);
void       mar_camera_page_stop  (MarCameraPage *self);

G_END_DECLS
