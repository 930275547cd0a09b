/* mar-camera.c — webcam frames to the decoder, first stable read delivered once
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-camera"

#include "config.h"

#include <gst/app/gstappsink.h>
#include <gst/video/video.h>
#include <glib/gi18n-lib.h>

#include "mar-camera.h"

G_DEFINE_QUARK (mar-camera-error-quark, mar_camera_error)

/* A hung worker must not freeze the camera for long; a frame is small. */
#define CAMERA_DECODER_TIMEOUT_MS 3000

/* What one scanning session shares between the streaming thread (appsink
 * callback), the decoding thread and the main context. A new start makes a
 * new session, so late results of an old one are recognised and dropped. */
typedef struct
{
  gatomicrefcount   ref_count;
  GMutex            lock;
  GCond             cond;
  GstSample        *pending;        /* the newest frame not yet decoded */
  gboolean          quit;
  guint             dropped;
  MarDecoder       *decoder;
  MarReaderOptions *options;
  GCancellable     *cancellable;
  GMainContext     *context;
  GWeakRef          camera;
} Session;

typedef struct
{
  MarBarcode *barcode;
  guint       seen;         /* consecutive decoded frames with it */
  guint       missed;       /* consecutive decoded frames without it */
  gboolean    present;
  gboolean    delivered;
} Candidate;

struct _MarCamera
{
  GObject           parent_instance;

  char             *device;
  char             *source_description;
  guint             stable_count;
  MarDecoder       *decoder;
  MarReaderOptions *options;

  GstElement       *pipeline;
  GSource          *bus_source;
  GThread          *decode_thread;
  Session          *session;
  GPtrArray        *candidates;     /* Candidate * */
  guint             frames_decoded;
  guint             frames_dropped;   /* of the last session, once stopped */
  gboolean          last_frame_failed;
};

G_DEFINE_FINAL_TYPE (MarCamera, mar_camera, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_DEVICE,
  PROP_SOURCE_DESCRIPTION,
  PROP_STABLE_COUNT,
  PROP_SCANNING,
  N_PROPS
};

enum
{
  SIGNAL_SCANNED,
  SIGNAL_ERROR,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Sessions */

static Session *
session_new (MarCamera *camera)
{
  Session *session = g_new0 (Session, 1);

  g_atomic_ref_count_init (&session->ref_count);
  g_mutex_init (&session->lock);
  g_cond_init (&session->cond);
  session->decoder = g_object_ref (camera->decoder);
  session->options = camera->options ? mar_reader_options_copy (camera->options)
                                     : mar_reader_options_new_for_video ();
  session->cancellable = g_cancellable_new ();
  session->context = g_main_context_ref_thread_default ();
  g_weak_ref_init (&session->camera, camera);
  return session;
}

static Session *
session_ref (Session *session)
{
  g_atomic_ref_count_inc (&session->ref_count);
  return session;
}

static void
session_unref (Session *session)
{
  if (!g_atomic_ref_count_dec (&session->ref_count))
    return;

  g_clear_pointer (&session->pending, gst_sample_unref);
  g_clear_object (&session->decoder);
  g_clear_pointer (&session->options, mar_reader_options_free);
  g_clear_object (&session->cancellable);
  g_main_context_unref (session->context);
  g_weak_ref_clear (&session->camera);
  g_mutex_clear (&session->lock);
  g_cond_clear (&session->cond);
  g_free (session);
}

static void
candidate_free (Candidate *candidate)
{
  g_clear_pointer (&candidate->barcode, mar_barcode_unref);
  g_free (candidate);
}

/* Streaming thread: keep only the newest frame. */

static GstFlowReturn
on_new_sample (GstAppSink *sink,
               gpointer    user_data)
{
  Session *session = user_data;
  GstSample *sample = gst_app_sink_pull_sample (sink);

  if (sample == NULL)
    return GST_FLOW_EOS;

  g_mutex_lock (&session->lock);
  if (session->pending != NULL)
    {
      gst_sample_unref (session->pending);
      session->dropped++;
    }
  session->pending = sample;
  g_cond_signal (&session->cond);
  g_mutex_unlock (&session->lock);
  return GST_FLOW_OK;
}

/* Decoding thread */

typedef struct
{
  Session     *session;
  MarBarcodes *barcodes;
  GError      *error;
} FrameResult;

static void
frame_result_free (FrameResult *result)
{
  session_unref (result->session);
  g_clear_pointer (&result->barcodes, mar_barcodes_unref);
  g_clear_error (&result->error);
  g_free (result);
}

static void process_frame_result (MarCamera   *self,
                                  FrameResult *result);

static gboolean
deliver_frame_result (gpointer data)
{
  FrameResult *result = data;
  g_autoptr(MarCamera) camera = g_weak_ref_get (&result->session->camera);

  if (camera != NULL && camera->session == result->session)
    process_frame_result (camera, result);
  return G_SOURCE_REMOVE;
}

static MarBarcodes *
decode_sample (Session    *session,
               GstSample  *sample,
               GError    **error)
{
  g_autoptr(MarImageView) view = NULL;
  GstVideoInfo info;
  GstVideoFrame frame;
  MarBarcodes *barcodes;

  if (!gst_video_info_from_caps (&info, gst_sample_get_caps (sample)) ||
      GST_VIDEO_INFO_FORMAT (&info) != GST_VIDEO_FORMAT_GRAY8 ||
      !gst_video_frame_map (&frame, &info, gst_sample_get_buffer (sample), GST_MAP_READ))
    {
      g_set_error_literal (error, MAR_CAMERA_ERROR, MAR_CAMERA_ERROR_STREAM,
                           _("The camera sent a frame that cannot be read"));
      return NULL;
    }

  view = mar_image_view_new (GST_VIDEO_FRAME_PLANE_DATA (&frame, 0),
                             GST_VIDEO_FRAME_WIDTH (&frame),
                             GST_VIDEO_FRAME_HEIGHT (&frame),
                             MAR_IMAGE_FORMAT_LUM,
                             GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0),
                             1, error);
  barcodes = view ? mar_decoder_read_barcodes (session->decoder, view, session->options,
                                               session->cancellable, error)
                  : NULL;
  gst_video_frame_unmap (&frame);
  return barcodes;
}

static gpointer
decode_thread_main (gpointer data)
{
  Session *session = data;
  gint64 next_start = 0;

  for (;;)
    {
      g_autoptr(GstSample) sample = NULL;
      FrameResult *result;

      g_mutex_lock (&session->lock);
      /* At most MAR_CAMERA_MAX_DECODES_PER_SECOND: a bedside terminal has
       * two cores, and the nurse's screen must stay responsive. Waiting
       * here also lets a newer frame replace the one pending. */
      while (!session->quit && g_get_monotonic_time () < next_start)
        g_cond_wait_until (&session->cond, &session->lock, next_start);
      while (session->pending == NULL && !session->quit)
        g_cond_wait (&session->cond, &session->lock);
      if (session->quit)
        {
          g_mutex_unlock (&session->lock);
          break;
        }
      sample = g_steal_pointer (&session->pending);
      g_mutex_unlock (&session->lock);
      next_start = g_get_monotonic_time () + G_USEC_PER_SEC / MAR_CAMERA_MAX_DECODES_PER_SECOND;

      result = g_new0 (FrameResult, 1);
      result->session = session_ref (session);
      result->barcodes = decode_sample (session, sample, &result->error);
      if (g_error_matches (result->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          frame_result_free (result);
          break;
        }
      g_main_context_invoke_full (session->context, G_PRIORITY_DEFAULT,
                                  deliver_frame_result, result,
                                  (GDestroyNotify) frame_result_free);
    }

  session_unref (session);
  return NULL;
}

/* Main context: stability and delivery */

static Candidate *
find_candidate (MarCamera  *self,
                MarBarcode *barcode)
{
  for (guint i = 0; i < self->candidates->len; i++)
    {
      Candidate *c = g_ptr_array_index (self->candidates, i);

      if (mar_barcode_same_payload (c->barcode, barcode))
        return c;
    }
  return NULL;
}

static void
process_frame_result (MarCamera   *self,
                      FrameResult *result)
{
  g_autoptr(GPtrArray) to_deliver = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_barcode_unref);
  Session *session = result->session;
  guint n = result->barcodes ? mar_barcodes_get_size (result->barcodes) : 0;

  self->frames_decoded++;

  if (result->error != NULL)
    {
      /* One report per run of failing frames, not one per frame. */
      if (!self->last_frame_failed)
        g_signal_emit (self, signals[SIGNAL_ERROR], 0, result->error);
      self->last_frame_failed = TRUE;
    }
  else
    self->last_frame_failed = FALSE;

  for (guint i = 0; i < self->candidates->len; i++)
    ((Candidate *) g_ptr_array_index (self->candidates, i))->present = FALSE;

  for (guint i = 0; i < n; i++)
    {
      MarBarcode *barcode = mar_barcodes_get (result->barcodes, i);
      Candidate *c = find_candidate (self, barcode);

      if (c == NULL)
        {
          c = g_new0 (Candidate, 1);
          c->barcode = mar_barcode_ref (barcode);
          g_ptr_array_add (self->candidates, c);
        }
      else if (c->present)
        continue;       /* the same symbol twice in one frame */
      else
        {
          /* Keep the newest position. */
          mar_barcode_unref (c->barcode);
          c->barcode = mar_barcode_ref (barcode);
        }
      c->present = TRUE;
      c->seen++;
      c->missed = 0;
    }

  for (guint i = self->candidates->len; i-- > 0;)
    {
      Candidate *c = g_ptr_array_index (self->candidates, i);

      if (c->present)
        {
          if (!c->delivered && c->seen >= self->stable_count)
            {
              c->delivered = TRUE;
              g_ptr_array_insert (to_deliver, 0, mar_barcode_ref (c->barcode));
            }
          continue;
        }
      /* Stability means consecutive frames; once gone long enough, the
       * symbol may be delivered again when it comes back. */
      c->seen = 0;
      if (++c->missed >= MAR_CAMERA_REARM_FRAMES)
        g_ptr_array_remove_index (self->candidates, i);
    }

  for (guint i = 0; i < to_deliver->len; i++)
    {
      /* A handler may stop or restart scanning: then the rest is stale. */
      if (self->session != session)
        break;
      g_signal_emit (self, signals[SIGNAL_SCANNED], 0, g_ptr_array_index (to_deliver, i));
    }
}

static gboolean
on_bus_message (GstBus     *bus,
                GstMessage *message,
                gpointer    user_data)
{
  MarCamera *self = user_data;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_ERROR:
      {
        g_autoptr(GError) gst_error = NULL;
        g_autoptr(GError) error = NULL;
        g_autofree char *debug = NULL;

        gst_message_parse_error (message, &gst_error, &debug);
        g_debug ("Camera pipeline error: %s (%s)", gst_error->message, debug ? debug : "");
        error = g_error_new (MAR_CAMERA_ERROR, MAR_CAMERA_ERROR_STREAM,
                             _("The camera stopped: %s"), gst_error->message);
        g_object_ref (self);
        mar_camera_stop (self);
        g_signal_emit (self, signals[SIGNAL_ERROR], 0, error);
        g_object_unref (self);
        return G_SOURCE_REMOVE;
      }
    case GST_MESSAGE_EOS:
      /* A file source ran out, or the camera was unplugged cleanly. */
      g_object_ref (self);
      mar_camera_stop (self);
      g_object_unref (self);
      return G_SOURCE_REMOVE;
    default:
      return G_SOURCE_CONTINUE;
    }
}

/* Pipeline */

static GstElement *
make_element (const char  *factory,
              const char  *name,
              GError     **error)
{
  GstElement *element = gst_element_factory_make (factory, name);

  if (element == NULL)
    g_set_error (error, MAR_CAMERA_ERROR, MAR_CAMERA_ERROR_START,
                 _("The GStreamer element “%s” is missing; install the GStreamer plugins"), factory);
  return element;
}

/* Sets up the appsink that hands frames to the decoding thread. */
static void
configure_sink (GstElement *sink,
                Session    *session,
                gboolean    live)
{
  g_autoptr(GstCaps) caps = gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, "GRAY8", NULL);
  GstAppSinkCallbacks callbacks = { .new_sample = on_new_sample };

  /* zxing reads luminance; GRAY8 is one byte per pixel, the cheapest
   * frame to hand to the decoder. One buffer, newest wins: a camera must
   * never queue stale frames behind a slow decode. A live camera is
   * processed as soon as a frame arrives; a file or test source is paced
   * by the clock like a camera would be. */
  g_object_set (sink,
                "caps", caps,
                "max-buffers", 1,
                "drop", TRUE,
                "sync", !live,
                "emit-signals", FALSE,
                NULL);
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, session_ref (session),
                              (GDestroyNotify) session_unref);
}

static GstElement *
build_pipeline (MarCamera  *self,
                Session    *session,
                GError    **error)
{
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstElement) sink = NULL;

  if (self->source_description != NULL)
    {
      /* A description may end in caps ("videotestsrc ! video/x-raw,..."),
       * which only parse with an element after them: parse it as a whole
       * pipeline with our tail. */
      g_autoptr(GError) parse_error = NULL;
      g_autofree char *description = g_strdup_printf ("%s ! videoconvert ! appsink name=mar-sink",
                                                      self->source_description);

      pipeline = gst_parse_launch_full (description, NULL, GST_PARSE_FLAG_FATAL_ERRORS, &parse_error);
      if (pipeline == NULL || parse_error != NULL)
        {
          g_set_error (error, MAR_CAMERA_ERROR, MAR_CAMERA_ERROR_START,
                       _("The camera source cannot be set up: %s"),
                       parse_error ? parse_error->message : _("unknown error"));
          return NULL;
        }
      sink = gst_bin_get_by_name (GST_BIN (pipeline), "mar-sink");
      g_assert (sink != NULL);
      configure_sink (sink, session, FALSE);
      return g_steal_pointer (&pipeline);
    }
  else
    {
      /* The device is set as a property, never pasted into a description. */
      GstElement *source, *convert, *appsink;

      pipeline = gst_pipeline_new ("mar-camera");
      source = make_element ("v4l2src", "source", error);
      if (source == NULL)
        return NULL;
      if (self->device != NULL)
        g_object_set (source, "device", self->device, NULL);
      gst_bin_add (GST_BIN (pipeline), source);
      convert = make_element ("videoconvert", "convert", error);
      if (convert == NULL)
        return NULL;
      gst_bin_add (GST_BIN (pipeline), convert);
      appsink = make_element ("appsink", "mar-sink", error);
      if (appsink == NULL)
        return NULL;
      gst_bin_add (GST_BIN (pipeline), appsink);
      configure_sink (appsink, session, TRUE);
      if (!gst_element_link_many (source, convert, appsink, NULL))
        {
          g_set_error_literal (error, MAR_CAMERA_ERROR, MAR_CAMERA_ERROR_START,
                               _("The camera source cannot be connected to the decoder"));
          return NULL;
        }
      return g_steal_pointer (&pipeline);
    }
}

gboolean
mar_camera_start (MarCamera  *self,
                  GError    **error)
{
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstBus) bus = NULL;
  Session *session;

  g_return_val_if_fail (MAR_IS_CAMERA (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->pipeline != NULL)
    return TRUE;

  if (!gst_init_check (NULL, NULL, error))
    return FALSE;

  if (self->decoder == NULL)
    {
      self->decoder = mar_decoder_new ();
      mar_decoder_set_timeout (self->decoder, CAMERA_DECODER_TIMEOUT_MS);
    }
  /* Start the worker now, so the first frames are not slowed by it. */
  if (!mar_decoder_start (self->decoder, error))
    return FALSE;

  session = session_new (self);
  pipeline = build_pipeline (self, session, error);
  if (pipeline == NULL)
    {
      session_unref (session);
      return FALSE;
    }

  bus = gst_element_get_bus (pipeline);
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_autoptr(GstMessage) message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
      g_autoptr(GError) gst_error = NULL;

      if (message != NULL)
        gst_message_parse_error (message, &gst_error, NULL);
      g_set_error (error, MAR_CAMERA_ERROR, MAR_CAMERA_ERROR_START,
                   _("The camera could not be started: %s"),
                   gst_error ? gst_error->message : _("unknown error"));
      gst_element_set_state (pipeline, GST_STATE_NULL);
      session_unref (session);
      return FALSE;
    }

  self->session = session;
  self->pipeline = g_steal_pointer (&pipeline);
  self->frames_decoded = 0;
  self->frames_dropped = 0;
  self->last_frame_failed = FALSE;
  g_ptr_array_set_size (self->candidates, 0);

  self->bus_source = gst_bus_create_watch (bus);
  g_source_set_callback (self->bus_source, (GSourceFunc) on_bus_message, self, NULL);
  g_source_attach (self->bus_source, session->context);

  self->decode_thread = g_thread_new ("mar-camera-decode", decode_thread_main, session_ref (session));

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCANNING]);
  return TRUE;
}

void
mar_camera_stop (MarCamera *self)
{
  Session *session;

  g_return_if_fail (MAR_IS_CAMERA (self));

  if (self->pipeline == NULL)
    return;

  session = g_steal_pointer (&self->session);

  /* A decode in flight is abandoned (its worker is stopped), so stopping
   * never waits for a slow image. */
  g_cancellable_cancel (session->cancellable);
  /* NULL releases the device; this returns once the streaming thread has
   * left the appsink callback. */
  gst_element_set_state (self->pipeline, GST_STATE_NULL);

  g_mutex_lock (&session->lock);
  self->frames_dropped = session->dropped;
  session->quit = TRUE;
  g_clear_pointer (&session->pending, gst_sample_unref);
  g_cond_signal (&session->cond);
  g_mutex_unlock (&session->lock);
  g_thread_join (g_steal_pointer (&self->decode_thread));

  g_source_destroy (self->bus_source);
  g_clear_pointer (&self->bus_source, g_source_unref);
  gst_clear_object (&self->pipeline);
  g_ptr_array_set_size (self->candidates, 0);
  session_unref (session);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCANNING]);
}

/* GObject */

static void
mar_camera_dispose (GObject *object)
{
  MarCamera *self = MAR_CAMERA (object);

  mar_camera_stop (self);
  g_clear_object (&self->decoder);

  G_OBJECT_CLASS (mar_camera_parent_class)->dispose (object);
}

static void
mar_camera_finalize (GObject *object)
{
  MarCamera *self = MAR_CAMERA (object);

  g_free (self->device);
  g_free (self->source_description);
  g_clear_pointer (&self->options, mar_reader_options_free);
  g_ptr_array_unref (self->candidates);

  G_OBJECT_CLASS (mar_camera_parent_class)->finalize (object);
}

static void
mar_camera_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  MarCamera *self = MAR_CAMERA (object);

  switch (prop_id)
    {
    case PROP_DEVICE:
      g_value_set_string (value, self->device);
      break;
    case PROP_SOURCE_DESCRIPTION:
      g_value_set_string (value, self->source_description);
      break;
    case PROP_STABLE_COUNT:
      g_value_set_uint (value, self->stable_count);
      break;
    case PROP_SCANNING:
      g_value_set_boolean (value, self->pipeline != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mar_camera_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  MarCamera *self = MAR_CAMERA (object);

  switch (prop_id)
    {
    case PROP_DEVICE:
      mar_camera_set_device (self, g_value_get_string (value));
      break;
    case PROP_SOURCE_DESCRIPTION:
      mar_camera_set_source_description (self, g_value_get_string (value));
      break;
    case PROP_STABLE_COUNT:
      mar_camera_set_stable_count (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mar_camera_class_init (MarCameraClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mar_camera_dispose;
  object_class->finalize = mar_camera_finalize;
  object_class->get_property = mar_camera_get_property;
  object_class->set_property = mar_camera_set_property;

  properties[PROP_DEVICE] =
    g_param_spec_string ("device", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SOURCE_DESCRIPTION] =
    g_param_spec_string ("source-description", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STABLE_COUNT] =
    g_param_spec_uint ("stable-count", NULL, NULL, 1, 100, MAR_CAMERA_DEFAULT_STABLE_COUNT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SCANNING] =
    g_param_spec_boolean ("scanning", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* MarCamera::scanned: a symbol read in stable-count consecutive frames. */
  signals[SIGNAL_SCANNED] =
    g_signal_new ("scanned", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, MAR_TYPE_BARCODE);
  /* MarCamera::error: the camera stopped (MAR_CAMERA_ERROR), or frames
   * failed to decode (MAR_DECODER_ERROR: once per run of failed frames). */
  signals[SIGNAL_ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
mar_camera_init (MarCamera *self)
{
  self->stable_count = MAR_CAMERA_DEFAULT_STABLE_COUNT;
  self->candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) candidate_free);
}

MarCamera *
mar_camera_new (void)
{
  return g_object_new (MAR_TYPE_CAMERA, NULL);
}

const char *
mar_camera_get_device (MarCamera *self)
{
  g_return_val_if_fail (MAR_IS_CAMERA (self), NULL);
  return self->device;
}

void
mar_camera_set_device (MarCamera  *self,
                       const char *device)
{
  g_return_if_fail (MAR_IS_CAMERA (self));

  if (g_strcmp0 (self->device, device) == 0)
    return;
  g_free (self->device);
  self->device = g_strdup (device);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEVICE]);
}

const char *
mar_camera_get_source_description (MarCamera *self)
{
  g_return_val_if_fail (MAR_IS_CAMERA (self), NULL);
  return self->source_description;
}

void
mar_camera_set_source_description (MarCamera  *self,
                                   const char *description)
{
  g_return_if_fail (MAR_IS_CAMERA (self));

  if (g_strcmp0 (self->source_description, description) == 0)
    return;
  g_free (self->source_description);
  self->source_description = g_strdup (description);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOURCE_DESCRIPTION]);
}

guint
mar_camera_get_stable_count (MarCamera *self)
{
  g_return_val_if_fail (MAR_IS_CAMERA (self), 0);
  return self->stable_count;
}

void
mar_camera_set_stable_count (MarCamera *self,
                             guint      stable_count)
{
  g_return_if_fail (MAR_IS_CAMERA (self));
  g_return_if_fail (stable_count >= 1);

  if (self->stable_count == stable_count)
    return;
  self->stable_count = stable_count;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STABLE_COUNT]);
}

MarDecoder *
mar_camera_get_decoder (MarCamera *self)
{
  g_return_val_if_fail (MAR_IS_CAMERA (self), NULL);
  return self->decoder;
}

void
mar_camera_set_decoder (MarCamera  *self,
                        MarDecoder *decoder)
{
  g_return_if_fail (MAR_IS_CAMERA (self));
  g_return_if_fail (decoder == NULL || MAR_IS_DECODER (decoder));

  g_set_object (&self->decoder, decoder);
}

void
mar_camera_set_reader_options (MarCamera              *self,
                               const MarReaderOptions *options)
{
  g_return_if_fail (MAR_IS_CAMERA (self));

  g_clear_pointer (&self->options, mar_reader_options_free);
  if (options != NULL)
    self->options = mar_reader_options_copy (options);
}

gboolean
mar_camera_is_scanning (MarCamera *self)
{
  g_return_val_if_fail (MAR_IS_CAMERA (self), FALSE);
  return self->pipeline != NULL;
}

GstElement *
mar_camera_get_pipeline (MarCamera *self)
{
  g_return_val_if_fail (MAR_IS_CAMERA (self), NULL);
  return self->pipeline;
}

guint
mar_camera_get_frames_decoded (MarCamera *self)
{
  g_return_val_if_fail (MAR_IS_CAMERA (self), 0);
  return self->frames_decoded;
}

guint
mar_camera_get_frames_dropped (MarCamera *self)
{
  guint dropped;

  g_return_val_if_fail (MAR_IS_CAMERA (self), 0);

  if (self->session == NULL)
    return self->frames_dropped;
  g_mutex_lock (&self->session->lock);
  dropped = self->session->dropped;
  g_mutex_unlock (&self->session->lock);
  return dropped;
}
