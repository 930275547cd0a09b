/* mar-sound.c — the error sound of a hard stop
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-sound"

#include "config.h"

#include "mar-sound.h"

#include <gst/gst.h>

static guint alert_count;

static gboolean
bus_cb (GstBus     *bus,
        GstMessage *message,
        gpointer    user_data)
{
  GstElement *pipeline = user_data;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_ERROR:
      {
        g_autoptr(GError) error = NULL;

        gst_message_parse_error (message, &error, NULL);
        /* No sound card is not a reason to stop the nurse: the verdict is
         * on screen in words, icon and colour. */
        g_debug ("The alert sound could not play: %s", error->message);
      }
      G_GNUC_FALLTHROUGH;
    case GST_MESSAGE_EOS:
      gst_element_set_state (pipeline, GST_STATE_NULL);
      return G_SOURCE_REMOVE;
    default:
      return G_SOURCE_CONTINUE;
    }
}

void
mar_sound_play_alert (GSettings *settings)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GstBus) bus = NULL;
  GstElement *pipeline;

  alert_count++;
  if (g_getenv ("BEDSIDE_MAR_SILENT") != NULL)
    return;
  if (settings != NULL && !g_settings_get_boolean (settings, "alert-sound"))
    return;
  if (!gst_init_check (NULL, NULL, &error))
    {
      g_debug ("GStreamer is not available for the alert sound: %s", error->message);
      return;
    }

  /* A 0.6 s square wave at 988 Hz (B5): sharp enough to be heard over a
   * ward, short enough not to startle the patient. */
  pipeline = gst_parse_launch ("audiotestsrc wave=square freq=988 volume=0.5 samplesperbuffer=4410 num-buffers=6 ! "
                               "audioconvert ! audioresample ! autoaudiosink", &error);
  if (pipeline == NULL)
    {
      g_debug ("The alert sound could not be built: %s", error->message);
      return;
    }
  bus = gst_element_get_bus (pipeline);
  /* The watch owns the pipeline: it is unreferenced when the watch goes. */
  gst_bus_add_watch_full (bus, G_PRIORITY_DEFAULT, bus_cb, pipeline, gst_object_unref);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
}

guint
mar_sound_get_alert_count (void)
{
  return alert_count;
}
