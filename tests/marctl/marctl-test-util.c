/* marctl-test-util.c — running marctl as a script does, with PINs on stdin
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "marctl-test-util.h"

void
mt_fixture_set_up (MtFixture *f)
{
  g_autoptr(GError) error = NULL;

  f->folder = g_dir_make_tmp ("marctl-record-XXXXXX", &error);
  g_assert_no_error (error);
  f->db = g_build_filename (f->folder, "mar.db", NULL);
  f->config = g_build_filename (f->folder, "bedside-mar.conf", NULL);
  g_assert_true (g_file_set_contents (f->config, "[unit]\ntime-zone=America/New_York\n", -1, &error));
}

void
mt_fixture_tear_down (MtFixture *f)
{
  g_autoptr(GDir) dir = g_dir_open (f->folder, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->folder, name, NULL);
      g_unlink (path);
    }
  g_rmdir (f->folder);
  g_clear_pointer (&f->folder, g_free);
  g_clear_pointer (&f->db, g_free);
  g_clear_pointer (&f->config, g_free);
}

void
mt_run_clear (MtRun *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

char **
mt_environment (MtFixture *f)
{
  char **env = g_get_environ ();

  env = g_environ_setenv (env, "TZ", "America/New_York", TRUE);
  env = g_environ_setenv (env, "LC_ALL", "C.UTF-8", TRUE);
  env = g_environ_setenv (env, "BEDSIDE_MAR_CONFIG", f->config, TRUE);
  env = g_environ_unsetenv (env, "BEDSIDE_MAR_DB");
  return env;
}

void
mt_run (MtFixture  *f,
        MtRun      *run,
        const char *input,
        const char *first,
        ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_auto(GStrv) env = mt_environment (f);
  g_autoptr(GError) error = NULL;
  const char *marctl = g_getenv ("MARCTL");
  va_list args;

  mt_run_clear (run);
  g_assert_nonnull (marctl);
  g_ptr_array_add (argv, (char *) marctl);
  g_ptr_array_add (argv, (char *) "--db");
  g_ptr_array_add (argv, f->db);
  va_start (args, first);
  for (const char *a = first; a != NULL; a = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) a);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_set_environ (launcher, env);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input != NULL ? input : "", NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  run->status = g_subprocess_get_exit_status (process);
  if (g_test_verbose ())
    g_test_message ("exit %d\n%s%s", run->status, run->out, run->err);
}

JsonObject *
mt_object (const MtRun *run)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, run->out, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

void
mt_demo_ward (MtFixture *f)
{
  g_autofree char *bundle = g_test_build_filename (G_TEST_DIST, "..", "data", "demo", "demo-ward.json", NULL);
  const char *badges[] = { "N1001", "N1002", "C2001", "T3001" };
  g_auto(MtRun) run = { 0 };

  mt_run (f, &run, NULL, "import", "--at", "2026-01-15T09:59:00-05:00", bundle, NULL);
  g_assert_cmpint (run.status, ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (badges); i++)
    {
      mt_run (f, &run, "1234\n", "staff", "set-pin", "--badge", badges[i], NULL);
      g_assert_cmpint (run.status, ==, 0);
    }
}
