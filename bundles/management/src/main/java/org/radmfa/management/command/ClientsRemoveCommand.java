package org.radmfa.management.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.radmfa.api.admin.ClientAdmin;
import org.radmfa.api.admin.UnknownDefinitionException;
import org.radmfa.management.command.completers.ClientNameCompleter;

/** Removes a client (and its file): its requests get no answer from then on. */
@Command(scope = "radmfa", name = "clients-remove", description = "Removes a RADIUS client")
@Service
public class ClientsRemoveCommand implements Action {

    @Reference
    ClientAdmin admin;

    @Argument(index = 0, name = "name", required = true, description = "The client's friendly name")
    @Completion(ClientNameCompleter.class)
    String name;

    @Override
    public Object execute() throws Exception {
        if (!admin.remove(name)) {
            throw new UnknownDefinitionException("RADIUS client", name);
        }
        System.out.println("Client '" + name + "' removed");
        return null;
    }
}
