/* SPDX-License-Identifier: ISC */
/*
 * Misbehaving servers for the live-source fault tests (no socat or nc
 * needed).  ADDR is a unix socket path, or a TCP port on 127.0.0.1.
 *
 *	fault-server silent ADDR	accept, read, never answer
 *	fault-server reply ADDR TEXT	answer every read with TEXT (C escapes
 *					\r \n \e \\ \xNN are decoded)
 *	fault-server blackhole PORT	TCP; the accept queue is kept full, so
 *					a connect never completes
 *	fault-server delay ADDR TARGET MS
 *					a proxy to the unix socket TARGET that
 *					holds every chunk MS ms each way (a slow
 *					link), counting bytes on stdout at exit
 *
 * Runs until killed (SIGTERM); prints "ready" on stdout once listening.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS	64
#define CHUNK		65536

struct chunk {
	int64_t		 due;
	size_t		 len, off;
	struct chunk	*next;
	unsigned char	 data[];
};

struct conn {
	int		 fd[2];		/* client, server */
	struct chunk	*q[2], *qt[2];	/* to fd[1], to fd[0] */
};

static volatile sig_atomic_t	 stop;
static unsigned long long	 total[2];

/* SIGTERM and SIGINT end the main loop. */
static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Monotonic time in ms. */
static int64_t
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* Decode C escapes of s into out; returns the length. */
static size_t
unescape(const char *s, unsigned char *out)
{
	size_t		 n = 0;
	unsigned int	 v;

	for (; *s != '\0'; s++) {
		if (*s != '\\' || s[1] == '\0') {
			out[n++] = (unsigned char)*s;
			continue;
		}
		switch (*++s) {
		case 'r':
			out[n++] = '\r';
			break;
		case 'n':
			out[n++] = '\n';
			break;
		case 'e':
			out[n++] = 0x1b;
			break;
		case 'a':
			out[n++] = 0x07;
			break;
		case 'x':
			if (sscanf(s + 1, "%2x", &v) == 1) {
				out[n++] = (unsigned char)v;
				s += 2;
			}
			break;
		default:
			out[n++] = (unsigned char)*s;
			break;
		}
	}
	return (n);
}

/* A listening socket on ADDR (path or port); backlog as given. */
static int
listen_on(const char *addr, int backlog)
{
	struct sockaddr_un	 sun;
	struct sockaddr_in	 sin;
	int			 fd, one = 1;

	if (strchr(addr, '/') != NULL) {
		memset(&sun, 0, sizeof sun);
		sun.sun_family = AF_UNIX;
		snprintf(sun.sun_path, sizeof sun.sun_path, "%s", addr);
		unlink(addr);
		if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
		    bind(fd, (struct sockaddr *)&sun, sizeof sun) == -1)
			goto fail;
	} else {
		memset(&sin, 0, sizeof sin);
		sin.sin_family = AF_INET;
		sin.sin_port = htons((uint16_t)atoi(addr));
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
			goto fail;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind(fd, (struct sockaddr *)&sin, sizeof sin) == -1)
			goto fail;
	}
	if (listen(fd, backlog) == -1)
		goto fail;
	return (fd);
fail:
	fprintf(stderr, "fault-server: %s: %s\n", addr, strerror(errno));
	exit(1);
}

/* Connect to the unix socket path; -1 on failure. */
static int
connect_unix(const char *path)
{
	struct sockaddr_un	 sun;
	int			 fd;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		return (-1);
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		close(fd);
		return (-1);
	}
	return (fd);
}

/* Close a proxied connection and drop what it still held. */
static void
conn_close(struct conn *c)
{
	struct chunk	*ch, *next;
	int		 d;

	for (d = 0; d < 2; d++) {
		if (c->fd[d] != -1)
			close(c->fd[d]);
		c->fd[d] = -1;
		for (ch = c->q[d]; ch != NULL; ch = next) {
			next = ch->next;
			free(ch);
		}
		c->q[d] = c->qt[d] = NULL;
	}
}

/* Write the chunks that are due; returns ms until the next one, or -1. */
static int64_t
conn_flush(struct conn *c, int64_t now)
{
	struct chunk	*ch;
	int64_t		 wait = -1;
	ssize_t		 w;
	int		 d;

	for (d = 0; d < 2 && c->fd[0] != -1; d++) {
		while ((ch = c->q[d]) != NULL && ch->due <= now) {
			w = write(c->fd[1 - d], ch->data + ch->off,
			    ch->len - ch->off);
			if (w <= 0) {
				conn_close(c);
				return (-1);
			}
			ch->off += (size_t)w;
			if (ch->off < ch->len)
				continue;
			c->q[d] = ch->next;
			if (c->q[d] == NULL)
				c->qt[d] = NULL;
			free(ch);
		}
		if (ch != NULL && (wait < 0 || ch->due - now < wait))
			wait = ch->due - now;
	}
	return (wait);
}

/* The delaying proxy. */
static int
run_delay(int lfd, const char *target, int64_t delay)
{
	struct conn	 conns[MAX_CONNS];
	struct pollfd	 pfd[1 + 2 * MAX_CONNS];
	struct chunk	*ch;
	unsigned char	 buf[CHUNK];
	int64_t		 now, wait, w;
	ssize_t		 n;
	size_t		 i, np;
	int		 fd, sfd, d, timeout;

	for (i = 0; i < MAX_CONNS; i++)
		conns[i].fd[0] = conns[i].fd[1] = -1;
	for (i = 0; i < MAX_CONNS; i++)
		conns[i].q[0] = conns[i].q[1] = conns[i].qt[0] =
		    conns[i].qt[1] = NULL;
	while (!stop) {
		now = now_ms();
		wait = -1;
		for (i = 0; i < MAX_CONNS; i++) {
			if (conns[i].fd[0] == -1)
				continue;
			w = conn_flush(&conns[i], now);
			if (w >= 0 && (wait < 0 || w < wait))
				wait = w;
		}
		np = 0;
		pfd[np].fd = lfd;
		pfd[np++].events = POLLIN;
		for (i = 0; i < MAX_CONNS; i++) {
			for (d = 0; d < 2; d++) {
				pfd[np].fd = conns[i].fd[d];
				pfd[np++].events = POLLIN;
			}
		}
		timeout = wait < 0 ? 200 : (int)(wait > 200 ? 200 : wait);
		if (poll(pfd, np, timeout) == -1) {
			if (errno == EINTR)
				continue;
			return (1);
		}
		if (pfd[0].revents & POLLIN) {
			fd = accept(lfd, NULL, NULL);
			sfd = fd == -1 ? -1 : connect_unix(target);
			for (i = 0; i < MAX_CONNS && conns[i].fd[0] != -1; i++)
				;
			if (fd != -1 && (sfd == -1 || i == MAX_CONNS)) {
				close(fd);
				if (sfd != -1)
					close(sfd);
			} else if (fd != -1) {
				conns[i].fd[0] = fd;
				conns[i].fd[1] = sfd;
			}
		}
		now = now_ms();
		for (i = 0; i < MAX_CONNS; i++) {
			for (d = 0; d < 2; d++) {
				if (conns[i].fd[d] == -1 ||
				    !(pfd[1 + 2 * i + d].revents &
				    (POLLIN | POLLHUP | POLLERR)))
					continue;
				n = read(conns[i].fd[d], buf, sizeof buf);
				if (n <= 0) {
					conn_close(&conns[i]);
					break;
				}
				total[d] += (unsigned long long)n;
				ch = malloc(sizeof *ch + (size_t)n);
				if (ch == NULL)
					return (1);
				ch->due = now + delay;
				ch->len = (size_t)n;
				ch->off = 0;
				ch->next = NULL;
				memcpy(ch->data, buf, (size_t)n);
				if (conns[i].qt[d] != NULL)
					conns[i].qt[d]->next = ch;
				else
					conns[i].q[d] = ch;
				conns[i].qt[d] = ch;
			}
		}
	}
	printf("client->server %llu bytes, server->client %llu bytes\n",
	    total[0], total[1]);
	return (0);
}

/* silent and reply: every connection is read; reply (if any) is sent. */
static int
run_simple(int lfd, const unsigned char *reply, size_t rlen)
{
	struct pollfd	 pfd[1 + MAX_CONNS];
	unsigned char	 buf[CHUNK];
	size_t		 i, n = 1;
	ssize_t		 r;

	pfd[0].fd = lfd;
	pfd[0].events = POLLIN;
	while (!stop) {
		if (poll(pfd, n, 200) == -1) {
			if (errno == EINTR)
				continue;
			return (1);
		}
		for (i = 1; i < n; i++) {
			if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			r = read(pfd[i].fd, buf, sizeof buf);
			if (r <= 0) {
				close(pfd[i].fd);
				pfd[i--] = pfd[--n];
				continue;
			}
			if (reply != NULL && write(pfd[i].fd, reply, rlen) < 0)
				continue;
		}
		if ((pfd[0].revents & POLLIN) && n < 1 + MAX_CONNS) {
			pfd[n].fd = accept(lfd, NULL, NULL);
			pfd[n].events = POLLIN;
			if (pfd[n].fd != -1)
				n++;
		}
	}
	return (0);
}

/* blackhole: fill the accept queue ourselves, then never accept. */
static int
run_blackhole(int lfd, const char *port)
{
	struct sockaddr_in	 sin;
	int			 fd, i;

	for (i = 0; i < 4; i++) {
		memset(&sin, 0, sizeof sin);
		sin.sin_family = AF_INET;
		sin.sin_port = htons((uint16_t)atoi(port));
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (fd != -1)
			connect(fd, (struct sockaddr *)&sin, sizeof sin);
	}
	printf("ready\n");
	fflush(stdout);
	while (!stop)
		pause();
	close(lfd);
	return (0);
}

int
main(int argc, char **argv)
{
	struct sigaction	 sa;
	unsigned char		*reply;
	size_t			 rlen;
	int			 lfd, rc;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (argc == 3 && strcmp(argv[1], "silent") == 0) {
		lfd = listen_on(argv[2], 16);
		printf("ready\n");
		fflush(stdout);
		return (run_simple(lfd, NULL, 0));
	}
	if (argc == 4 && strcmp(argv[1], "reply") == 0) {
		reply = malloc(strlen(argv[3]) + 1);
		if (reply == NULL)
			return (1);
		rlen = unescape(argv[3], reply);
		lfd = listen_on(argv[2], 16);
		printf("ready\n");
		fflush(stdout);
		rc = run_simple(lfd, reply, rlen);
		free(reply);
		return (rc);
	}
	if (argc == 3 && strcmp(argv[1], "blackhole") == 0) {
		lfd = listen_on(argv[2], 0);
		return (run_blackhole(lfd, argv[2]));
	}
	if (argc == 5 && strcmp(argv[1], "delay") == 0) {
		lfd = listen_on(argv[2], 16);
		printf("ready\n");
		fflush(stdout);
		return (run_delay(lfd, argv[3], atoll(argv[4])));
	}
	fprintf(stderr, "usage: fault-server silent|reply|blackhole|delay "
	    "ADDR [TEXT | TARGET MS]\n");
	return (2);
}
