/* mar-outbox.h — FHIR resources waiting to reach the hospital's server
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every recorded action queues its FHIR resource here in the same
 * transaction as the action itself (issue 4), so an acknowledged action is
 * never lost and never sent twice: each resource carries a UUID that never
 * changes (its identifier urn:uuid:…, the If-None-Exist key), and sync
 * (issue 6) pushes entries in order, a dependency (a segment's partOf
 * target) before what depends on it. Entries are never deleted.
 */

#pragma once

#include <json-glib/json-glib.h>

#include "mar-store.h"

G_BEGIN_DECLS

typedef enum
{
  MAR_OUTBOX_CREATE = 0,   /* POST with If-None-Exist on the resource UUID */
  MAR_OUTBOX_UPDATE,       /* PUT of the server's id with If-Match on its version */
} MarOutboxOperation;

typedef enum
{
  MAR_OUTBOX_PENDING = 0,  /* not yet accepted by the server */
  MAR_OUTBOX_SENT,         /* accepted: the server holds it */
  MAR_OUTBOX_FAILED,       /* parked: the server refused it (4xx with an OperationOutcome) */
} MarOutboxState;

typedef struct
{
  gint64              seq;            /* order of queueing */
  char               *entry_uuid;     /* this queue entry */
  char               *resource_uuid;  /* the resource's identifier: the same for its create and updates */
  char               *resource_type;
  MarOutboxOperation  operation;
  char               *depends_on;     /* resource UUID to be pushed first, or NULL */
  char               *patient_id;
  char               *resource_json;
  MarOutboxState      state;
  int                 attempts;
  gint64              next_attempt;   /* not before (Unix s); 0: at once */
  char               *last_error;     /* the server's message, for IT */
  gint64              created_at;
  gint64              sent_at;        /* MAR_TIME_UNSET until sent */
} MarOutboxEntry;

typedef struct
{
  guint  pending;
  guint  failed;
  guint  sent;
  gint64 oldest_pending;              /* created_at of the oldest unsent, or MAR_TIME_UNSET */
} MarOutboxCounts;

void             mar_outbox_entry_free      (MarOutboxEntry *entry);
const char      *mar_outbox_state_to_string (MarOutboxState  state);

/* Queues @resource. Call inside the transaction of the action it records
 * (mar_store_begin); the entry exists exactly when the action does.
 * @resource_uuid is the resource's identifier (no "urn:uuid:" prefix). */
gboolean         mar_outbox_enqueue         (MarStore            *store,
                                             const char          *resource_type,
                                             const char          *resource_uuid,
                                             MarOutboxOperation   operation,
                                             const char          *depends_on,
                                             const char          *patient_id,
                                             JsonNode            *resource,
                                             gint64               now,
                                             gint64              *seq,
                                             GError             **error);

/* The next entry to push at @now: the oldest pending one whose
 * next_attempt has come and whose dependency, if any, was sent. NULL
 * (without error) when none is ready. */
MarOutboxEntry  *mar_outbox_next_ready      (MarStore            *store,
                                             gint64               now,
                                             GError             **error);
/* (element-type MarOutboxEntry) entries in queue order; @state < 0 for all. */
GPtrArray       *mar_outbox_list            (MarStore            *store,
                                             int                  state,
                                             GError             **error);
MarOutboxEntry  *mar_outbox_get             (MarStore            *store,
                                             gint64               seq,
                                             GError             **error);
gboolean         mar_outbox_get_counts      (MarStore            *store,
                                             MarOutboxCounts     *counts,
                                             GError             **error);
/* Unsent entries of one patient (the GUI's "not yet synced" marker). */
gboolean         mar_outbox_count_unsent_for_patient (MarStore   *store,
                                                      const char *patient_id,
                                                      guint      *count,
                                                      GError    **error);

/* The server accepted the entry: it holds the resource as @server_id at
 * @server_version (remembered for later updates). */
gboolean         mar_outbox_mark_sent       (MarStore            *store,
                                             gint64               seq,
                                             const char          *server_id,
                                             const char          *server_version,
                                             gint64               now,
                                             GError             **error);
/* A transient failure: try again at @next_attempt. */
gboolean         mar_outbox_mark_retry      (MarStore            *store,
                                             gint64               seq,
                                             gint64               next_attempt,
                                             const char          *message,
                                             GError             **error);
/* The server refused it: parked with its message until IT retries. */
gboolean         mar_outbox_mark_failed     (MarStore            *store,
                                             gint64               seq,
                                             const char          *message,
                                             GError             **error);
/* Puts a failed entry (or every failed entry, @seq < 0) back in the queue. */
gboolean         mar_outbox_retry           (MarStore            *store,
                                             gint64               seq,
                                             guint               *count,
                                             GError             **error);

/* What the server calls a resource we created; FALSE with NOT_FOUND
 * before it was pushed. */
gboolean         mar_outbox_lookup_server_id (MarStore           *store,
                                              const char         *resource_uuid,
                                              char              **server_id,
                                              char              **server_version,
                                              GError            **error);
/* Records a newer server version after an update (or a 412 re-read). */
gboolean         mar_outbox_set_server_version (MarStore         *store,
                                                const char       *resource_uuid,
                                                const char       *server_version,
                                                GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarOutboxEntry, mar_outbox_entry_free)

G_END_DECLS
