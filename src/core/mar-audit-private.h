/* mar-audit-private.h — appending to the chain, for the core's own modules
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The record (mar-record.c) and staff sign-in (mar-staff-auth.c) append
 * entries inside their own transaction, queue the AuditEvent for the new
 * head with them, and commit through mar_audit_commit() so the head file
 * follows. Never used outside src/core.
 */

#pragma once

#include "mar-audit.h"

G_BEGIN_DECLS

/* Pseudo staff ids for entries made without a signed-in person. */
#define MAR_AUDIT_ACTOR_ROOT            "terminal:root"
#define MAR_AUDIT_ACTOR_SERVICE_ACCOUNT "terminal:service-account"

/* Appends @entry inside the current transaction: fills seq, prev_hash and
 * hash (and uuid when NULL); @entry->payload must be canonical JSON
 * (mar_audit_canonical_json). */
gboolean  mar_audit_append      (MarStore       *store,
                                 MarAuditEntry  *entry,
                                 GError        **error);
/* Queues the AuditEvent carrying the chain head (the newest entry) in the
 * current transaction. @agent is the FHIR Reference of the person who acted
 * (nullable: the terminal). @outbox_seq (nullable) receives its queue
 * position. */
gboolean  mar_audit_queue_head  (MarStore       *store,
                                 JsonNode       *agent,
                                 gint64          now,
                                 gint64         *outbox_seq,
                                 GError        **error);
/* (element-type MarAuditEntry) the entries of one bag (infusion_id),
 * oldest first. */
GPtrArray *mar_audit_list_infusion_entries (MarStore  *store,
                                            gint64     infusion_id,
                                            GError   **error);
/* Commits the outermost transaction, then brings the head file up to date.
 * Once the commit succeeded the action is recorded: a head file that
 * cannot be written is logged (it lags, which verify accepts) and TRUE is
 * returned. */
gboolean  mar_audit_commit      (MarStore       *store,
                                 GError        **error);

G_END_DECLS
