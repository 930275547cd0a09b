/* test-crash.c — marctl killed with SIGKILL at random points of a documentation run
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 4, crash safety: a nurse's documentation goes on while marctl is
 * killed (SIGKILL: no handler, no flush) at a random moment of each action:
 * during sign-in, during the transaction, between the commit and the head
 * file, while printing. After each kill the terminal "restarts" (the
 * database is opened again) and:
 *  - every action marctl acknowledged (exit 0 and its JSON printed) is in
 *    the record, at the entry it named;
 *  - the hash chain and the head file verify (the head may lag, never lead);
 *  - the projections are what the entries say (rebuilt, they are the same).
 * The runs continue one documentation on one database, so later actions
 * build on whatever the killed ones left. MAR_CRASH_RUNS sets the number
 * of runs (default 200); the random seed is the test's (--seed).
 */

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib-unix.h>

#include "mar-audit.h"
#include "mar-record.h"
#include "mar-store-private.h"
#include "mar-time.h"
#include "marctl-test-util.h"

typedef struct
{
  gint64 infusion;
  gint64 entry;
} Acknowledged;

typedef struct
{
  MtFixture  fixture;
  GArray    *acknowledged;   /* (Acknowledged) */
  guint      runs;
  guint      kills;
  guint      completed;
  guint      kills_after_commit;
  double     duration;       /* running mean of an uninterrupted run, s */
  gint64     anchor;
  GTimeZone *tz;
} Crash;

/* Runs marctl, killing it after @kill_after seconds unless it is done by
 * then. TRUE when it finished by itself; @status and @out then hold its
 * exit status and output. */
static gboolean
run_until_killed (Crash       *c,
                  GPtrArray   *args,
                  double       kill_after,
                  int         *status,
                  char       **out)
{
  g_auto(GStrv) env = mt_environment (&c->fixture);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) output = g_string_new (NULL);
  gint64 start = g_get_monotonic_time ();
  gboolean killed = FALSE;
  int in_fd, out_fd, wait_status;
  GPid pid;

  g_assert_true (g_spawn_async_with_pipes (NULL, (char **) args->pdata, env, G_SPAWN_DO_NOT_REAP_CHILD |
                                           G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &pid, &in_fd, &out_fd,
                                           NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (write (in_fd, "1234\n", 5), ==, 5);
  close (in_fd);

  for (;;)
    {
      pid_t done = waitpid (pid, &wait_status, WNOHANG);
      char buffer[4096];
      ssize_t n;

      if (done == pid)
        break;
      if (!killed && (g_get_monotonic_time () - start) / 1e6 >= kill_after)
        {
          kill (pid, SIGKILL);
          killed = TRUE;
        }
      /* Drain stdout so the child never blocks on a full pipe. */
      g_unix_set_fd_nonblocking (out_fd, TRUE, NULL);
      while ((n = read (out_fd, buffer, sizeof buffer)) > 0)
        g_string_append_len (output, buffer, n);
      g_usleep (2000);
    }
  {
    char buffer[4096];
    ssize_t n;

    while ((n = read (out_fd, buffer, sizeof buffer)) > 0)
      g_string_append_len (output, buffer, n);
  }
  close (out_fd);
  g_spawn_close_pid (pid);

  if (WIFSIGNALED (wait_status))
    {
      g_assert_cmpint (WTERMSIG (wait_status), ==, SIGKILL);
      return FALSE;
    }
  g_assert_true (WIFEXITED (wait_status));
  *status = WEXITSTATUS (wait_status);
  *out = g_string_free (g_steal_pointer (&output), FALSE);
  c->duration = c->completed == 0 ? (g_get_monotonic_time () - start) / 1e6
                                  : 0.8 * c->duration + 0.2 * (g_get_monotonic_time () - start) / 1e6;
  return TRUE;
}

/* The restarted terminal's view: the latest bag of bed 4W-01 and the
 * newest entry. Also the checks the issue asks for. */
static void
restart_and_check (Crash    *c,
                   gboolean  rebuild,
                   gint64   *open_bag,
                   int      *open_state,
                   double   *open_rate,
                   gint64   *last_entry)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarStore) store = mar_store_open (c->fixture.db, MAR_STORE_OPEN_DEFAULT, &error);
  g_autoptr(MarDrugLibrary) library = mar_drug_library_new_default ();
  g_autoptr(MarVerifier) verifier = NULL;
  g_autoptr(MarRecord) record = NULL;
  g_autoptr(GPtrArray) bags = NULL;
  g_autofree char *hash = NULL;
  MarScanOptions scan_options = { 0 };
  MarAuditReport report;

  g_assert_no_error (error);
  g_assert_true (mar_audit_verify (store, NULL, &report, &error));
  g_assert_no_error (error);
  if (report.problem != MAR_AUDIT_INTACT)
    g_error ("after run %u: %s", c->runs, report.message);
  mar_audit_report_clear (&report);

  for (guint i = 0; i < c->acknowledged->len; i++)
    {
      Acknowledged *a = &g_array_index (c->acknowledged, Acknowledged, i);
      g_autoptr(MarStmt) stmt = mar_store_prepare (store,
        "SELECT count(*) FROM record_entries WHERE seq = ?1 AND infusion_id = ?2", &error);

      sqlite3_bind_int64 (stmt, 1, a->entry);
      sqlite3_bind_int64 (stmt, 2, a->infusion);
      g_assert_cmpint (mar_store_step (store, stmt, &error), ==, SQLITE_ROW);
      if (sqlite3_column_int (stmt, 0) != 1)
        g_error ("after run %u: acknowledged entry %" G_GINT64_FORMAT " of bag %" G_GINT64_FORMAT " is lost",
                 c->runs, a->entry, a->infusion);
    }

  verifier = mar_verifier_new (store, library, c->tz, &scan_options);
  record = mar_record_new (verifier, &error);
  g_assert_no_error (error);
  if (rebuild)
    {
      g_autofree char *before = NULL;
      g_autofree char *after = NULL;

      g_assert_true (mar_record_rebuild (record, FALSE, &before, &after, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (before, ==, after);
    }

  bags = mar_record_list_infusions (record, "pt-4w-01", -1, &error);
  g_assert_no_error (error);
  *open_bag = 0;
  *open_state = -1;
  for (guint i = 0; i < bags->len && *open_bag == 0; i++)
    {
      MarInfusion *bag = g_ptr_array_index (bags, i);

      if (mar_infusion_state_is_hung (bag->state))
        {
          *open_bag = bag->id;
          *open_state = bag->state;
          *open_rate = bag->rate_ml_per_h;
        }
    }
  g_assert_true (mar_audit_get_head (store, last_entry, &hash, &error));
}

static void
add (GPtrArray  *args,
     const char *first,
     ...)
{
  va_list list;

  va_start (list, first);
  for (const char *a = first; a != NULL; a = va_arg (list, const char *))
    g_ptr_array_add (args, g_strdup (a));
  va_end (list);
}

/* The next thing the nurse documents, given the bag on the pump. */
static GPtrArray *
next_action (Crash  *c,
             GRand  *rand,
             gint64  bag,
             int     state,
             double  rate)
{
  GPtrArray *args = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *at = mar_time_format_iso (c->anchor + (gint64) c->runs * 180, c->tz);
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, bag);
  double dice = g_rand_double (rand);

  add (args, g_getenv ("MARCTL"), "--db", c->fixture.db, NULL);
  if (bag == 0)
    {
      g_autofree char *product = g_strdup_printf ("(01)00614141100101(17)301231(10)NS6021(21)K%u", c->runs);

      /* Hours after the import: the nurse checked the orders. */
      add (args, "infusion", "start", "--patient", MT_BED1, "--product", product, "--rate", "75",
           "--override", "CACHE_STALE=orders-checked", NULL);
    }
  else if (state == MAR_INFUSION_INFUSING)
    {
      if (dice < 0.2)
        add (args, "infusion", "rate", id, "--rate", rate == 100 ? "75" : "100", "--reason", "provider-order",
             "--override", "RATE_MISMATCH=provider-order", NULL);
      else if (dice < 0.35)
        add (args, "infusion", "pause", id, "--reason", "patient-care", NULL);
      else if (dice < 0.45)
        add (args, "infusion", "bolus", id, "--volume", "10", NULL);
      else if (dice < 0.55)
        add (args, "reaction", "add", id, "--kind", "flushing", "--severity", "mild", NULL);
      else if (dice < 0.65)
        add (args, "site-check", "add", id, "--site", "left forearm", NULL);
      else if (dice < 0.75)
        add (args, "infusion", "stop", id, "--reason", "line-change", NULL);
      else
        add (args, "infusion", "complete", id, NULL);
    }
  else
    {
      if (dice < 0.6)
        add (args, "infusion", "resume", id, NULL);
      else
        add (args, "infusion", "complete", id, NULL);
    }
  add (args, "--json", "--nurse", "N1001", "--at", at, NULL);
  g_ptr_array_add (args, NULL);
  return args;
}

static void
test_crash (void)
{
  Crash c = { 0 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  const char *runs_text = g_getenv ("MAR_CRASH_RUNS");
  guint runs = runs_text != NULL ? (guint) g_ascii_strtoull (runs_text, NULL, 10) : 200;
  gint64 started = g_get_monotonic_time ();
  gint64 bag = 0, last_entry = 0;
  int state = -1;
  double rate = 0;

  c.acknowledged = g_array_new (FALSE, FALSE, sizeof (Acknowledged));
  c.tz = g_time_zone_new_identifier ("America/New_York");
  g_assert_true (mar_time_parse_fhir (MT_ANCHOR, c.tz, &c.anchor, NULL, NULL));
  mt_fixture_set_up (&c.fixture);
  mt_demo_ward (&c.fixture);
  c.duration = 0.4;

  restart_and_check (&c, TRUE, &bag, &state, &rate, &last_entry);
  for (c.runs = 0; c.runs < runs; c.runs++)
    {
      g_autoptr(GPtrArray) args = next_action (&c, rand, bag, state, rate);
      g_autofree char *out = NULL;
      gint64 entry_before = last_entry;
      int status = -1;
      /* A third anywhere from before exec to after the last byte of
       * output; a third aimed at the last quarter of a run, where the
       * transaction, the commit, the head file and the output are (the
       * PIN's Argon2id takes most of the time before); a third late
       * enough to let most runs finish. */
      guint aim = g_rand_int_range (rand, 0, 3);
      double kill_after = aim == 0 ? g_rand_double_range (rand, 0, 1.25 * c.duration)
                          : aim == 1 ? g_rand_double_range (rand, 0.75 * c.duration, 1.05 * c.duration)
                          : g_rand_double_range (rand, 0.9 * c.duration, 2 * c.duration);

      if (run_until_killed (&c, args, kill_after, &status, &out))
        {
          g_autoptr(JsonParser) parser = json_parser_new ();
          g_autoptr(GError) error = NULL;
          JsonObject *bag_json;
          Acknowledged a;

          if (status != 0)
            g_error ("run %u: marctl %s %s exited %d: %s", c.runs, (char *) args->pdata[3],
                     (char *) args->pdata[4], status, out);
          g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
          bag_json = json_node_get_object (json_parser_get_root (parser));
          a.infusion = json_object_get_int_member (bag_json, "infusion");
          a.entry = json_object_has_member (bag_json, "entry") ? json_object_get_int_member (bag_json, "entry")
                                                              : json_object_get_int_member (bag_json, "last_entry");
          g_array_append_val (c.acknowledged, a);
          c.completed++;
        }
      else
        c.kills++;

      restart_and_check (&c, c.runs % 10 == 9, &bag, &state, &rate, &last_entry);
      if (status == -1 && last_entry > entry_before)
        c.kills_after_commit++;
    }

  /* And marctl itself agrees. */
  {
    g_auto(MtRun) run = { 0 };

    mt_run (&c.fixture, &run, NULL, "audit", "verify", NULL);
    g_assert_cmpint (run.status, ==, 0);
  }
  g_test_message ("%u runs: %u killed (%u of them after their commit), %u acknowledged and all found; "
                  "%" G_GINT64_FORMAT " entries; %.1f s (a whole run %.2f s)",
                  runs, c.kills, c.kills_after_commit, c.completed, last_entry,
                  (g_get_monotonic_time () - started) / 1e6, c.duration);
  g_assert_cmpuint (c.kills, >, runs / 3);
  g_assert_cmpuint (c.completed, >, 0);

  mt_fixture_tear_down (&c.fixture);
  g_array_unref (c.acknowledged);
  g_time_zone_unref (c.tz);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/marctl/crash/sigkill", test_crash);
  return g_test_run ();
}
