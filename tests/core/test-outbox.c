/* test-outbox.c — the outbox: queued with the action, pushed in order, never lost
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "mar-outbox.h"
#include "store-test-util.h"

typedef struct
{
  char     *folder;
  MarStore *store;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  f->folder = test_make_folder ();
  path = g_build_filename (f->folder, "mar.db", NULL);
  f->store = mar_store_open (path, MAR_STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->store);
  test_remove_folder (f->folder);
  g_free (f->folder);
}

static JsonNode *
resource (const char *type,
          const char *uuid)
{
  g_autofree char *text = g_strdup_printf ("{\"resourceType\":\"%s\",\"identifier\":[{\"system\":"
                                           "\"urn:ietf:rfc:3986\",\"value\":\"urn:uuid:%s\"}]}",
                                           type, uuid);
  return json_from_string (text, NULL);
}

static void
enqueue (Fixture            *f,
         const char         *uuid,
         MarOutboxOperation  operation,
         const char         *depends_on,
         gint64             *seq)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = resource ("MedicationAdministration", uuid);

  g_assert_true (mar_store_begin (f->store, &error));
  g_assert_true (mar_outbox_enqueue (f->store, "MedicationAdministration", uuid, operation,
                                     depends_on, "pt-1", node, 1000, seq, &error));
  g_assert_no_error (error);
  g_assert_true (mar_store_commit (f->store, &error));
}

/* The entry exists exactly when the action does: rolled back together. */
static void
test_rolled_back_with_action (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = resource ("MedicationAdministration", "u1");
  MarOutboxCounts counts;

  g_assert_true (mar_store_begin (f->store, &error));
  g_assert_true (mar_outbox_enqueue (f->store, "MedicationAdministration", "u1", MAR_OUTBOX_CREATE,
                                     NULL, "pt-1", node, 1000, NULL, &error));
  mar_store_rollback (f->store);

  g_assert_true (mar_outbox_get_counts (f->store, &counts, &error));
  g_assert_cmpuint (counts.pending, ==, 0);
  g_assert_cmpint (counts.oldest_pending, ==, MAR_TIME_UNSET);
}

/* FHIR-PROFILE.md: a segment's partOf target is pushed first; an update
 * follows its create. */
static void
test_order_and_dependencies (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarOutboxEntry) first = NULL;
  g_autoptr(MarOutboxEntry) second = NULL;
  g_autoptr(MarOutboxEntry) none = NULL;
  gint64 bag, segment, closing;
  g_autofree char *server_id = NULL;
  g_autofree char *server_version = NULL;

  enqueue (f, "bag", MAR_OUTBOX_CREATE, NULL, &bag);
  enqueue (f, "segment", MAR_OUTBOX_CREATE, "bag", &segment);
  enqueue (f, "bag", MAR_OUTBOX_UPDATE, NULL, &closing);

  first = mar_outbox_next_ready (f->store, 2000, &error);
  g_assert_no_error (error);
  g_assert_nonnull (first);
  g_assert_cmpint (first->seq, ==, bag);
  g_assert_cmpstr (first->patient_id, ==, "pt-1");

  /* Nothing else is ready while the bag's create has not been sent: the
   * segment depends on it, the update follows it. Retrying it later keeps
   * the others waiting too. */
  g_assert_true (mar_outbox_mark_retry (f->store, bag, 3000, "connection reset", &error));
  none = mar_outbox_next_ready (f->store, 2000, &error);
  g_assert_no_error (error);
  g_assert_null (none);

  g_assert_false (mar_outbox_lookup_server_id (f->store, "bag", NULL, NULL, &error));
  g_assert_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (mar_outbox_mark_sent (f->store, bag, "ma-17", "1", 3000, &error));
  g_assert_true (mar_outbox_lookup_server_id (f->store, "bag", &server_id, &server_version, &error));
  g_assert_cmpstr (server_id, ==, "ma-17");
  g_assert_cmpstr (server_version, ==, "1");

  second = mar_outbox_next_ready (f->store, 3000, &error);
  g_assert_nonnull (second);
  g_assert_cmpint (second->seq, ==, segment);
  g_assert_cmpint (second->state, ==, MAR_OUTBOX_PENDING);
}

/* A 4xx parks the entry with the server's message until IT retries it. */
static void
test_failed_parked_then_retried (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) failed = NULL;
  g_autoptr(MarOutboxEntry) ready = NULL;
  MarOutboxCounts counts;
  gint64 seq;
  guint retried = 0;

  enqueue (f, "u1", MAR_OUTBOX_CREATE, NULL, &seq);
  g_assert_true (mar_outbox_mark_failed (f->store, seq, "Unknown code 'xyz' in dosage.route", &error));

  g_assert_null (mar_outbox_next_ready (f->store, 5000, &error));
  g_assert_no_error (error);
  failed = mar_outbox_list (f->store, MAR_OUTBOX_FAILED, &error);
  g_assert_cmpuint (failed->len, ==, 1);
  g_assert_cmpstr (((MarOutboxEntry *) failed->pdata[0])->last_error, ==, "Unknown code 'xyz' in dosage.route");
  g_assert_true (mar_outbox_get_counts (f->store, &counts, &error));
  g_assert_cmpuint (counts.failed, ==, 1);
  g_assert_cmpint (counts.oldest_pending, ==, 1000);

  g_assert_true (mar_outbox_retry (f->store, -1, &retried, &error));
  g_assert_cmpuint (retried, ==, 1);
  ready = mar_outbox_next_ready (f->store, 5000, &error);
  g_assert_nonnull (ready);
  g_assert_cmpint (ready->seq, ==, seq);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/core/outbox/rolled-back-with-action", Fixture, NULL,
              fixture_set_up, test_rolled_back_with_action, fixture_tear_down);
  g_test_add ("/core/outbox/order-and-dependencies", Fixture, NULL,
              fixture_set_up, test_order_and_dependencies, fixture_tear_down);
  g_test_add ("/core/outbox/failed-parked-then-retried", Fixture, NULL,
              fixture_set_up, test_failed_parked_then_retried, fixture_tear_down);

  return g_test_run ();
}
