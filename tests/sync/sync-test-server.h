/* sync-test-server.h — the real FHIR R4 test server, for the sync tests
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Makes certificates (tests/fhir-server/make-certs.sh) in a temporary
 * folder, starts tests/fhir-server/server.mjs on 127.0.0.1 (any free port,
 * or a given one to come back after a kill) and talks to its /__admin
 * endpoints. The benchmarks use it too.
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "mar-http.h"

G_BEGIN_DECLS

typedef struct
{
  const char *certificate;   /* "server" (default), "expired", "wronghost" */
  gboolean    journal;       /* --state in the folder: survives a kill */
  guint       page_size;     /* --page-size; 0: the server's default */
  gboolean    quiet;         /* --quiet */
} TestServerOptions;

typedef struct
{
  char         *dir;         /* certificates, journal, seeds */
  char         *pin;         /* sha256//… of server.key */
  GSubprocess  *process;
  guint         port;
  char         *base_url;    /* https://127.0.0.1:PORT/fhir */
  GPtrArray    *seeds;       /* (element-type utf8) --seed files */
} TestServer;

/* Why the server cannot run here (Node or its packages missing), or NULL. */
char        *test_server_missing_prerequisite (void);

TestServer  *test_server_new          (void);
void         test_server_add_seed     (TestServer              *server,
                                       const char              *path);
/* @port 0: any free port. Aborts the test when it does not start. */
void         test_server_start        (TestServer              *server,
                                       const TestServerOptions *options,
                                       guint                    port);
/* Kills it (SIGKILL) and waits. */
void         test_server_stop         (TestServer              *server);
/* After a "kill" fault: reaps the dead server. */
void         test_server_reap         (TestServer              *server);
void         test_server_free         (TestServer              *server);
char        *test_server_path         (TestServer              *server,
                                       const char              *name);

/* An /__admin request (never faulted); the reply's JSON. */
JsonNode    *test_server_admin        (TestServer              *server,
                                       const char              *method,
                                       const char              *path,
                                       const char              *body);
void         test_server_fault        (TestServer              *server,
                                       const char              *fault_json);
/* How many current resources of @type match @query ("identifier=…",
 * already escaped; NULL for all). */
gint64       test_server_count        (TestServer              *server,
                                       const char              *type,
                                       const char              *query);
/* The request log: the targets ("path?query") of FHIR requests. */
GPtrArray   *test_server_requests     (TestServer              *server);

/* A client for arranging data on the server (trusting the test CA). */
MarHttpConfig *test_server_http_config (TestServer             *server);
MarHttpClient *test_server_client     (TestServer              *server);

/* Writes data/demo/demo-ward.json moved in time so that its anchor is @now
 * (as marctl import --shift-to-now does), for seeding; returns its path. */
char        *test_write_shifted_demo  (const char              *dir,
                                       gint64                   now,
                                       GTimeZone               *tz);

void         test_remove_tree         (const char              *path);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestServer, test_server_free)

G_END_DECLS
