import http from 'node:http';

/** The baseline: the least a Node HTTP server can do. Port from argv[2]. */
const port = Number(process.argv[2]);
http
  .createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('hello world');
  })
  .listen(port, '127.0.0.1');
