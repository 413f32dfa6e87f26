/* SPDX-License-Identifier: ISC */
/*
 * --from-pump FILE and --from-gateway FILE: read a Tyk Pump pump.conf or
 * a Tyk Gateway tyk.conf (JSON) and the TYK_PMP_* or TYK_GW_* environment
 * that overrides it, as the pump or the gateway would, and turn what they
 * name into tykscope's own sources and options: the analytics Redis (a
 * URI, its TLS, Cluster, Sentinel, user, password, database and key
 * prefix), and the Mongo and PostgreSQL stores of the pump's pumps.  The command
 * line wins over the file.  Secrets read go into the URIs and options
 * only, never into a message.
 */
#ifndef SOURCE_TYKCONF_H
#define SOURCE_TYKCONF_H

struct options;

int	 source_tykconf_apply(struct options *, char **);

#endif
