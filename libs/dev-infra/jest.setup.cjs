// The broker's tests drive kafkajs 2.2.4 as the services run it: without its idle 1 ms timer loop
// (stopIdleRequestQueueLoop), which changes when a connection checks its queue of requests, never
// what it sends. This library cannot import the fix itself: the launcher loads it and holds little.
require('@kinema/platform/kafka').stopIdleRequestQueueLoop();
