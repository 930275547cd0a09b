/* test-app-xdotool.c — the real bedside-mar program, typed at like a scanner
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 7, Done when: the key path of a keyboard-wedge scanner is tested
 * against the real application window with `xdotool type --delay 5` (the
 * X server's own key events and timestamps), from sign-in to a started
 * infusion, and the result is read back from the database.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/wait.h>

#include "app-test-util.h"
#include "mar-record.h"

typedef struct
{
  AppTest *ward;
  GPid     pid;
  char    *window_id;
} Session;

static gboolean
run (const char * const *argv,
     char              **out)
{
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, out, NULL, &status, &error))
    g_error ("%s: %s", argv[0], error->message);
  return g_spawn_check_wait_status (status, NULL);
}

static void
xdotool_type (const char *text,
              guint       delay_ms)
{
  g_autofree char *delay = g_strdup_printf ("%u", delay_ms);
  const char *argv[] = { "xdotool", "type", "--delay", delay, text, NULL };

  g_assert_true (run (argv, NULL));
}

static void
xdotool_key (const char *key)
{
  const char *argv[] = { "xdotool", "key", key, NULL };

  g_assert_true (run (argv, NULL));
}

static void
pause_ms (guint ms)
{
  g_usleep (ms * 1000);
}

static void
session_start (Session *s)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *program = g_test_build_filename (G_TEST_BUILT, "..", "..", "src", "app", "bedside-mar", NULL);
  g_autofree char *config_arg = NULL;
  g_auto(GStrv) env = g_get_environ ();
  const char *timeout_search[] = { "timeout", "20", "xdotool", "search", "--sync", "--onlyvisible",
                                   "--name", "Bedside MAR", NULL };
  char *out = NULL;

  s->ward = app_test_new_ward ();
  config_arg = g_strdup_printf ("--config=%s", s->ward->config);
  {
    const char *argv[] = { program, config_arg, NULL };

    g_assert_true (g_spawn_async (NULL, (char **) argv, env, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                  &s->pid, &error));
    g_assert_no_error (error);
  }
  g_assert_true (run (timeout_search, &out));
  s->window_id = g_strstrip (out);
  g_assert_cmpstr (s->window_id, !=, "");
  {
    const char *focus[] = { "xdotool", "windowfocus", "--sync", s->window_id, NULL };

    g_assert_true (run (focus, NULL));
  }
  pause_ms (500);
}

static void
session_stop (Session *s)
{
  int status = 0;

  kill (s->pid, SIGTERM);
  waitpid (s->pid, &status, 0);
  g_spawn_close_pid (s->pid);
  g_free (s->window_id);
}

static void
test_scanner_key_path (void)
{
  Session s = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(MarStore) store = NULL;
  g_autoptr(MarDrugLibrary) library = NULL;
  g_autoptr(MarVerifier) verifier = NULL;
  g_autoptr(MarRecord) record = NULL;
  g_autoptr(GPtrArray) bags = NULL;
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("America/New_York");
  MarScanOptions options = { 0 };
  g_autofree char *xdotool = g_find_program_in_path ("xdotool");
  const MarInfusion *bag;

  if (g_getenv ("DISPLAY") == NULL || xdotool == NULL)
    {
      g_test_skip ("needs an X display (xvfb-run) and xdotool");
      return;
    }

  session_start (&s);
  /* The badge, as a scanner types it: keys 5 ms apart, then Enter. */
  xdotool_type ("N1001\r", 5);
  pause_ms (300);
  /* The PIN, as a person types it. */
  xdotool_type ("1234", 150);
  pause_ms (200);
  xdotool_key ("Return");
  pause_ms (1500);
  /* The wristband and the bag (S01: 0.9% NaCl for bed 4W-01). */
  xdotool_type ("74120318\r", 5);
  pause_ms (800);
  xdotool_type ("(01)00614141100101(17)301231(10)NS6021(21)S01\r", 5);
  pause_ms (1000);
  /* Start, from the keyboard (the rate is prefilled with the order's). */
  xdotool_key ("ctrl+Return");

  /* The app writes the start when it has handled every key before it;
   * under a sanitizer on a loaded machine that takes longer, so the
   * database is polled (up to 30 s) rather than trusted after a pause. */
  store = mar_store_open (s.ward->db, MAR_STORE_OPEN_MUST_EXIST, &error);
  g_assert_no_error (error);
  library = mar_drug_library_load_installed (store, &error);
  g_assert_no_error (error);
  verifier = mar_verifier_new (store, library, tz, &options);
  record = mar_record_new (verifier, &error);
  g_assert_no_error (error);
  for (guint waited = 0; waited <= 30000; waited += 200)
    {
      g_clear_pointer (&bags, g_ptr_array_unref);
      bags = mar_record_list_infusions (record, "pt-4w-01", -1, &error);
      g_assert_no_error (error);
      if (bags->len > 0)
        break;
      pause_ms (200);
    }
  session_stop (&s);

  g_assert_cmpuint (bags->len, ==, 1);
  bag = g_ptr_array_index (bags, 0);
  g_assert_cmpint (bag->state, ==, MAR_INFUSION_INFUSING);
  g_assert_cmpfloat (bag->rate_ml_per_h, ==, 75.0);
  g_assert_cmpstr (bag->serial, ==, "S01");

  g_clear_object (&record);
  g_clear_object (&verifier);
  g_clear_object (&store);
  app_test_free (s.ward);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/xdotool/scanner-key-path", test_scanner_key_path);

  return g_test_run ();
}
