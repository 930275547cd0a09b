/* mar-camera.h — live scanning from a webcam with GStreamer
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The pipeline is `v4l2src ! videoconvert ! video/x-raw,format=GRAY8 !
 * appsink`. Frames are decoded off the main thread through a MarDecoder
 * (an isolated worker process), at most MAR_CAMERA_MAX_DECODES_PER_SECOND.
 * Only the newest frame is decoded: frames that arrive while the decoder is
 * busy are dropped, so the camera never queues up stale images. A symbol is delivered once, through ::scanned,
 * when the same payload was read in stable-count consecutive decoded
 * frames; it is not delivered again until it has left the picture (or
 * scanning restarts), so holding a label in front of the camera gives one
 * scan, not thirty a second. The camera is released (pipeline to NULL)
 * whenever scanning stops.
 *
 * Signals are emitted on the thread-default main context of the thread
 * that called mar_camera_start().
 */

#pragma once

#include <gst/gst.h>

#include "mar-decoder.h"
#include "mar-reader.h"

G_BEGIN_DECLS

#define MAR_CAMERA_ERROR (mar_camera_error_quark ())

typedef enum
{
  MAR_CAMERA_ERROR_START,       /* the camera or source could not be opened */
  MAR_CAMERA_ERROR_STREAM,      /* the camera stopped while scanning */
} MarCameraError;

/* The default number of consecutive decoded frames that must agree. */
#define MAR_CAMERA_DEFAULT_STABLE_COUNT 3
/* Frames decoded per second at most; the others are dropped. */
#define MAR_CAMERA_MAX_DECODES_PER_SECOND 12
/* Frames a delivered payload must be absent before it can be delivered again. */
#define MAR_CAMERA_REARM_FRAMES 10

#define MAR_TYPE_CAMERA (mar_camera_get_type ())
G_DECLARE_FINAL_TYPE (MarCamera, mar_camera, MAR, CAMERA, GObject)

GQuark        mar_camera_error_quark             (void);

MarCamera    *mar_camera_new                     (void);

/* The V4L2 device, e.g. "/dev/video0"; NULL for v4l2src's default. */
const char   *mar_camera_get_device              (MarCamera    *self);
void          mar_camera_set_device              (MarCamera    *self,
                                                  const char   *device);
/* A gst-launch description that replaces `v4l2src` (for tests, or a
 * camera that is not V4L2): "videotestsrc", "multifilesrc location=… !
 * pngdec". NULL for the V4L2 device. Non-live sources are paced by the
 * pipeline clock, as a camera would be. */
const char   *mar_camera_get_source_description  (MarCamera    *self);
void          mar_camera_set_source_description  (MarCamera    *self,
                                                  const char   *description);
guint         mar_camera_get_stable_count        (MarCamera    *self);
void          mar_camera_set_stable_count        (MarCamera    *self,
                                                  guint         stable_count);
/* The decoder frames go to; by default a camera has its own, with a
 * 3-second timeout. Changes apply at the next start. */
MarDecoder   *mar_camera_get_decoder             (MarCamera    *self);
void          mar_camera_set_decoder             (MarCamera    *self,
                                                  MarDecoder   *decoder);
/* The reader options for frames (copied); NULL for
 * mar_reader_options_new_for_video(). */
void          mar_camera_set_reader_options      (MarCamera    *self,
                                                  const MarReaderOptions *options);

gboolean      mar_camera_start                   (MarCamera    *self,
                                                  GError      **error);
void          mar_camera_stop                    (MarCamera    *self);
gboolean      mar_camera_is_scanning             (MarCamera    *self);
/* (transfer none) The running pipeline, NULL when not scanning. */
GstElement   *mar_camera_get_pipeline            (MarCamera    *self);

/* Since the last start: frames decoded, and frames dropped because the
 * decoder was busy. */
guint         mar_camera_get_frames_decoded      (MarCamera    *self);
guint         mar_camera_get_frames_dropped      (MarCamera    *self);

G_END_DECLS
