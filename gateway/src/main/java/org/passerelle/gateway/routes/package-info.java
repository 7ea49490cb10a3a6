/**
 * What every Camel route of the node shares: the one route configuration that handles errors on all of them
 * ({@link org.passerelle.gateway.routes.RouteErrors}), calls into a route that give the caller the route's own
 * exception back ({@link org.passerelle.gateway.routes.RouteCalls}), periodic jobs as timer routes run on one node
 * of the party at a time ({@link org.passerelle.gateway.routes.JobRoute}), and the route graph shown to an operator:
 * per-route metrics ({@link org.passerelle.gateway.routes.RouteMetrics}) and the {@code routes} health component
 * ({@link org.passerelle.gateway.routes.RoutesHealth}). The flows themselves live with the feature that owns them.
 */
package org.passerelle.gateway.routes;
