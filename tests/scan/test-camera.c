/* test-camera.c — the camera pipeline, with test sources instead of a webcam
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The same pipeline as a V4L2 webcam (source ! videoconvert ! GRAY8 !
 * appsink), fed by videotestsrc or by multifilesrc over label images made
 * here. No webcam is needed, here or in CI.
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <gst/gst.h>

#include "mar-camera.h"
#include "mar-label.h"
#include "scan-test-image.h"

static char *tmp_dir;

typedef struct
{
  GMainLoop *loop;
  GPtrArray *scans;       /* char *: AIM identifier + data */
  GPtrArray *errors;      /* GError * */
  guint      timeout_id;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->loop = g_main_loop_new (NULL, FALSE);
  f->scans = g_ptr_array_new_with_free_func (g_free);
  f->errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_main_loop_unref (f->loop);
  g_ptr_array_unref (f->scans);
  g_ptr_array_unref (f->errors);
}

static void
on_scanned (MarCamera  *camera,
            MarBarcode *barcode,
            Fixture    *f)
{
  g_ptr_array_add (f->scans, mar_barcode_dup_scan_data (barcode, NULL));
}

static void
on_error (MarCamera    *camera,
          const GError *error,
          Fixture      *f)
{
  g_ptr_array_add (f->errors, g_error_copy (error));
}

static void
on_scanning_changed (MarCamera  *camera,
                     GParamSpec *pspec,
                     Fixture    *f)
{
  if (!mar_camera_is_scanning (camera))
    g_main_loop_quit (f->loop);
}

static gboolean
on_timeout (gpointer data)
{
  Fixture *f = data;

  f->timeout_id = 0;
  g_main_loop_quit (f->loop);
  return G_SOURCE_REMOVE;
}

/* Runs until the source ends (EOS stops the camera) or @ms pass. */
static void
run (Fixture *f,
     guint    ms)
{
  f->timeout_id = g_timeout_add (ms, on_timeout, f);
  g_main_loop_run (f->loop);
  g_clear_handle_id (&f->timeout_id, g_source_remove);
}

static MarCamera *
camera_new (Fixture    *f,
            const char *source)
{
  MarCamera *camera = mar_camera_new ();

  mar_camera_set_source_description (camera, source);
  g_signal_connect (camera, "scanned", G_CALLBACK (on_scanned), f);
  g_signal_connect (camera, "error", G_CALLBACK (on_error), f);
  g_signal_connect (camera, "notify::scanning", G_CALLBACK (on_scanning_changed), f);
  return camera;
}

/* A label as a webcam frame: the symbol on a busy background. */
static void
write_frame (const char   *name,
             MarSymbology  symbology,
             const char   *data)
{
  g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
  g_autoptr(ScanTestImage) frame = scan_test_image_new_background (640, 480, 42);

  if (data != NULL)
    {
      g_autoptr(MarSymbol) symbol = mar_symbol_new (symbology, data, NULL);
      double modules;
      cairo_surface_t *surface;

      /* As large as fits the frame, at most 6 px a module. */
      mar_symbol_get_modules (symbol, &modules, NULL);
      surface = mar_symbol_render_image (symbol, CLAMP ((int) (600 / modules), 2, 6), 90);
      g_autoptr(ScanTestImage) image = scan_test_image_new_from_surface (surface);
      g_autoptr(ScanTestImage) padded = scan_test_image_pad (image, 12);

      cairo_surface_destroy (surface);
      scan_test_image_paste (frame, padded, (640 - padded->width) / 2, (480 - padded->height) / 2);
    }
  g_assert_true (scan_test_image_save_png (frame, path));
}

static char *
files_source (const char *pattern,
              int         first,
              int         last,
              int         fps)
{
  g_autofree char *location = g_build_filename (tmp_dir, pattern, NULL);

  return g_strdup_printf ("multifilesrc location=\"%s\" index=%d stop-index=%d "
                          "caps=image/png,framerate=%d/1 ! pngdec",
                          location, first, last, fps);
}

#define BAG "[01]00809080001040[17]270630[10]W1234X[21]B00017"
#define BAG_SCAN "]d201008090800010401727063010W1234X\x1d" "21B00017"

/* Nothing to read in a test pattern; the source ends and the camera is
 * released. */
static void
test_videotestsrc_reads_nothing (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(MarCamera) camera = camera_new (f, "videotestsrc num-buffers=30 pattern=smpte ! "
                                               "video/x-raw,width=320,height=240,framerate=30/1");
  g_autoptr(GError) error = NULL;

  mar_camera_start (camera, &error);
  g_assert_no_error (error);
  g_assert_true (mar_camera_is_scanning (camera));
  g_assert_nonnull (mar_camera_get_pipeline (camera));
  run (f, 20000);

  g_assert_false (mar_camera_is_scanning (camera));
  g_assert_null (mar_camera_get_pipeline (camera));
  g_assert_cmpuint (f->scans->len, ==, 0);
  g_assert_cmpuint (f->errors->len, ==, 0);
  g_assert_cmpuint (mar_camera_get_frames_decoded (camera), >, 0);
}

/* The same label in front of the camera for 3 s at 15 frames a second:
 * one scan, not forty-five. */
static void
test_label_delivered_once (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *source = files_source ("bag-%03d.png", 0, 44, 15);
  g_autoptr(MarCamera) camera = camera_new (f, source);
  g_autoptr(GError) error = NULL;

  for (int i = 0; i < 45; i++)
    {
      g_autofree char *name = g_strdup_printf ("bag-%03d.png", i);

      /* The same label, the light changing a little. */
      if (i == 0)
        write_frame (name, MAR_SYMBOL_GS1_DATAMATRIX, BAG);
      else
        {
          g_autofree char *first = g_build_filename (tmp_dir, "bag-000.png", NULL);
          g_autofree char *copy = g_build_filename (tmp_dir, name, NULL);
          g_autofree char *contents = NULL;
          gsize length;

          g_assert_true (g_file_get_contents (first, &contents, &length, NULL));
          g_assert_true (g_file_set_contents (copy, contents, (gssize) length, NULL));
        }
    }

  g_assert_true (mar_camera_start (camera, &error));
  g_assert_no_error (error);
  run (f, 30000);

  g_assert_false (mar_camera_is_scanning (camera));
  g_assert_cmpuint (f->errors->len, ==, 0);
  g_assert_cmpuint (f->scans->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->scans, 0), ==, BAG_SCAN);
  g_assert_cmpuint (mar_camera_get_frames_decoded (camera), >=, MAR_CAMERA_DEFAULT_STABLE_COUNT);
}

/* One label, then another: each delivered once, in order. */
static void
test_new_payload_delivered (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *source = files_source ("seq-%03d.png", 0, 39, 15);
  g_autoptr(MarCamera) camera = camera_new (f, source);
  g_autoptr(GError) error = NULL;

  for (int i = 0; i < 40; i++)
    {
      g_autofree char *name = g_strdup_printf ("seq-%03d.png", i);

      if (i < 20)
        write_frame (name, MAR_SYMBOL_GS1_DATAMATRIX, BAG);
      else
        write_frame (name, MAR_SYMBOL_CODE128, "MRN0012345");
    }

  g_assert_true (mar_camera_start (camera, &error));
  run (f, 30000);

  g_assert_cmpuint (f->scans->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (f->scans, 0), ==, BAG_SCAN);
  g_assert_cmpstr (g_ptr_array_index (f->scans, 1), ==, "]C0MRN0012345");
}

/* A label taken away and shown again is a new scan (the nurse scans the
 * same bag twice on purpose: the app decides what that means). */
static void
test_rearmed_after_absence (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *source = files_source ("away-%03d.png", 0, 59, 20);
  g_autoptr(MarCamera) camera = camera_new (f, source);
  g_autoptr(GError) error = NULL;

  for (int i = 0; i < 60; i++)
    {
      g_autofree char *name = g_strdup_printf ("away-%03d.png", i);

      if (i < 15 || i >= 45)
        write_frame (name, MAR_SYMBOL_QR, "STAFF-RN-0042");
      else
        write_frame (name, MAR_SYMBOL_QR, NULL);
    }

  g_assert_true (mar_camera_start (camera, &error));
  run (f, 30000);

  g_assert_cmpuint (f->scans->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (f->scans, 0), ==, "]Q1STAFF-RN-0042");
  g_assert_cmpstr (g_ptr_array_index (f->scans, 1), ==, "]Q1STAFF-RN-0042");
}

static gboolean
restart_camera (gpointer data)
{
  MarCamera *camera = data;

  mar_camera_stop (camera);
  g_assert_null (mar_camera_get_pipeline (camera));
  g_assert_true (mar_camera_start (camera, NULL));
  return G_SOURCE_REMOVE;
}

/* Stopping releases the camera; starting again forgets what was read. */
static void
test_restart_delivers_again (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *looped = NULL;
  g_autoptr(MarCamera) camera = NULL;
  g_autoptr(GError) error = NULL;

  write_frame ("again-000.png", MAR_SYMBOL_CODE128, "RX-2026-000042");
  /* One file, read over and over. */
  looped = g_strdup_printf ("multifilesrc location=\"%s/again-000.png\" loop=true "
                            "caps=image/png,framerate=15/1 ! pngdec", tmp_dir);
  camera = camera_new (f, looped);
  /* The restart stops the camera on purpose: do not end the run then. */
  g_signal_handlers_disconnect_by_func (camera, on_scanning_changed, f);
  mar_camera_set_stable_count (camera, 2);

  g_assert_true (mar_camera_start (camera, &error));
  g_assert_no_error (error);
  g_timeout_add (1500, restart_camera, camera);
  run (f, 3000);
  mar_camera_stop (camera);

  g_assert_cmpuint (f->scans->len, ==, 2);
  g_assert_false (mar_camera_is_scanning (camera));
  g_assert_null (mar_camera_get_pipeline (camera));
}

static void
test_bad_source_is_an_error (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(MarCamera) camera = camera_new (f, "no-such-element-here");
  g_autoptr(MarCamera) v4l2 = mar_camera_new ();
  GError *error = NULL;

  g_assert_false (mar_camera_start (camera, &error));
  g_assert_error (error, MAR_CAMERA_ERROR, MAR_CAMERA_ERROR_START);
  g_assert_false (mar_camera_is_scanning (camera));
  g_clear_error (&error);

  /* No such device: a clear error, and the camera is not left open. */
  mar_camera_set_device (v4l2, "/dev/no-such-video-device");
  g_assert_false (mar_camera_start (v4l2, &error));
  g_assert_error (error, MAR_CAMERA_ERROR, MAR_CAMERA_ERROR_START);
  g_assert_null (mar_camera_get_pipeline (v4l2));
  g_clear_error (&error);
}

/* A decoder that hangs: frames arriving meanwhile are dropped (only the
 * newest is kept), and the failure is reported once, not per frame. */
static void
test_busy_decoder_drops_frames (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(MarCamera) camera = camera_new (f, "videotestsrc is-live=true ! "
                                               "video/x-raw,width=160,height=120,framerate=30/1");
  g_autoptr(MarDecoder) decoder = mar_decoder_new_for_worker (g_getenv ("SCAN_TEST_STALL_DECODER"));
  g_autoptr(GError) error = NULL;

  mar_decoder_set_timeout (decoder, 400);
  mar_camera_set_decoder (camera, decoder);
  g_assert_true (mar_camera_start (camera, &error));
  g_assert_no_error (error);
  run (f, 2000);

  g_assert_cmpuint (mar_camera_get_frames_dropped (camera), >, 10);
  g_assert_cmpuint (f->errors->len, ==, 1);
  g_assert_error ((GError *) g_ptr_array_index (f->errors, 0), MAR_DECODER_ERROR, MAR_DECODER_ERROR_TIMEOUT);
  g_assert_cmpuint (f->scans->len, ==, 0);
  mar_camera_stop (camera);
  g_assert_false (mar_camera_is_scanning (camera));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);
  tmp_dir = g_dir_make_tmp ("test-camera-XXXXXX", NULL);

  g_test_add ("/scan/camera/videotestsrc-reads-nothing", Fixture, NULL,
              fixture_set_up, test_videotestsrc_reads_nothing, fixture_tear_down);
  g_test_add ("/scan/camera/label-delivered-once", Fixture, NULL,
              fixture_set_up, test_label_delivered_once, fixture_tear_down);
  g_test_add ("/scan/camera/new-payload-delivered", Fixture, NULL,
              fixture_set_up, test_new_payload_delivered, fixture_tear_down);
  g_test_add ("/scan/camera/rearmed-after-absence", Fixture, NULL,
              fixture_set_up, test_rearmed_after_absence, fixture_tear_down);
  g_test_add ("/scan/camera/restart-delivers-again", Fixture, NULL,
              fixture_set_up, test_restart_delivers_again, fixture_tear_down);
  g_test_add ("/scan/camera/bad-source-is-an-error", Fixture, NULL,
              fixture_set_up, test_bad_source_is_an_error, fixture_tear_down);
  g_test_add ("/scan/camera/busy-decoder-drops-frames", Fixture, NULL,
              fixture_set_up, test_busy_decoder_drops_frames, fixture_tear_down);

  ret = g_test_run ();

  {
    GDir *dir = g_dir_open (tmp_dir, 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *path = g_build_filename (tmp_dir, name, NULL);

        g_unlink (path);
      }
    if (dir != NULL)
      g_dir_close (dir);
    g_rmdir (tmp_dir);
    g_free (tmp_dir);
  }
  return ret;
}
