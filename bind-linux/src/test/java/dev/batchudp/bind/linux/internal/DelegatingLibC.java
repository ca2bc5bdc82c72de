package dev.batchudp.bind.linux.internal;

/** A {@link LibC} that forwards to another, for fault injection: override what to break. */
class DelegatingLibC implements LibC {
    final LibC delegate;

    DelegatingLibC(LibC delegate) {
        this.delegate = delegate;
    }

    @Override public int socket(int domain, int type, int protocol) { return delegate.socket(domain, type, protocol); }
    @Override public int bind(int fd, long addr, int len) { return delegate.bind(fd, addr, len); }
    @Override public int connect(int fd, long addr, int len) { return delegate.connect(fd, addr, len); }
    @Override public int close(int fd) { return delegate.close(fd); }
    @Override public int shutdown(int fd, int how) { return delegate.shutdown(fd, how); }
    @Override public int setsockopt(int fd, int level, int name, long val, int len) {
        return delegate.setsockopt(fd, level, name, val, len);
    }
    @Override public int getsockopt(int fd, int level, int name, long val, long len) {
        return delegate.getsockopt(fd, level, name, val, len);
    }
    @Override public int getsockname(int fd, long addr, long len) { return delegate.getsockname(fd, addr, len); }
    @Override public int recvmmsg(int fd, long vec, int vlen, int flags, long timeout) {
        return delegate.recvmmsg(fd, vec, vlen, flags, timeout);
    }
    @Override public int sendmmsg(int fd, long vec, int vlen, int flags) { return delegate.sendmmsg(fd, vec, vlen, flags); }
    @Override public long recvmsg(int fd, long msg, int flags) { return delegate.recvmsg(fd, msg, flags); }
    @Override public long sendmsg(int fd, long msg, int flags) { return delegate.sendmsg(fd, msg, flags); }
    @Override public int poll(long fds, long nfds, int timeout) { return delegate.poll(fds, nfds, timeout); }
    @Override public int eventfd(int initval, int flags) { return delegate.eventfd(initval, flags); }
    @Override public int eventfd_write(int fd, long value) { return delegate.eventfd_write(fd, value); }
    @Override public int fcntl(int fd, int cmd, int arg) { return delegate.fcntl(fd, cmd, arg); }
    @Override public int uname(long buf) { return delegate.uname(buf); }
    @Override public int open(long pathname, int flags) { return delegate.open(pathname, flags); }
    @Override public int setns(int fd, int nstype) { return delegate.setns(fd, nstype); }
    @Override public String strerror(int errnum) { return delegate.strerror(errnum); }
}
