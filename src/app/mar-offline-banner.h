/* mar-offline-banner.h — "offline" under the header, in words and colour
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libadwaita 1.2 has no AdwBanner (1.3): this is a small one of ours. A
 * terminal that has not synced within the cache-stale limit still works
 * on what it holds (RULES.md CACHE_STALE is a warning), and says so on
 * every screen.
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define MAR_TYPE_OFFLINE_BANNER (mar_offline_banner_get_type ())
G_DECLARE_FINAL_TYPE (MarOfflineBanner, mar_offline_banner, MAR, OFFLINE_BANNER, GtkWidget)

void         mar_offline_banner_set_title    (MarOfflineBanner *self,
                                              const char       *title);
const char  *mar_offline_banner_get_title    (MarOfflineBanner *self);
void         mar_offline_banner_set_revealed (MarOfflineBanner *self,
                                              gboolean          revealed);
gboolean     mar_offline_banner_get_revealed (MarOfflineBanner *self);

G_END_DECLS
